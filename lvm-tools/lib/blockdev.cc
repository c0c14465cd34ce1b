// SPDX-License-Identifier: GPL-2.0
#include "blockdev.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "errors.h"
#include "size.h"

namespace dxm {

std::optional<DevId> parse_dev_id(const std::string &s)
{
	size_t colon = s.find(':');
	DevId id;

	if (colon == std::string::npos)
		return std::nullopt;
	try {
		uint64_t ma = parse_u64(s.substr(0, colon));
		uint64_t mi = parse_u64(s.substr(colon + 1));

		if (ma > UINT_MAX || mi > UINT_MAX)
			return std::nullopt;
		id.major = static_cast<unsigned>(ma);
		id.minor = static_cast<unsigned>(mi);
	} catch (const std::invalid_argument &) {
		return std::nullopt;
	}
	return id;
}

Fd &Fd::operator=(Fd &&o) noexcept
{
	if (this != &o) {
		if (fd_ >= 0)
			close(fd_);
		fd_ = o.release();
	}
	return *this;
}

Fd::~Fd()
{
	if (fd_ >= 0)
		close(fd_);
}

int Fd::release()
{
	int fd = fd_;

	fd_ = -1;
	return fd;
}

std::optional<std::string> read_sysfs(const std::string &path)
{
	std::ifstream in(path);
	std::string s;

	if (!in)
		return std::nullopt;
	std::getline(in, s, '\0');
	while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
		s.pop_back();
	return s;
}

namespace {

std::string canonical(const std::string &path)
{
	char *r = realpath(path.c_str(), nullptr);
	std::string s;

	if (!r)
		return path;
	s = r;
	free(r);
	return s;
}

struct AlignedFree {
	void operator()(void *p) const { free(p); }
};
using AlignedBuf = std::unique_ptr<uint8_t, AlignedFree>;

AlignedBuf aligned_block()
{
	void *p = nullptr;

	if (posix_memalign(&p, DXM_BLOCK_SIZE, DXM_BLOCK_SIZE))
		throw std::bad_alloc();
	return AlignedBuf(static_cast<uint8_t *>(p));
}

/* O_DIRECT so that what the kernel wrote with bios is what we see;
 * falls back to buffered I/O where O_DIRECT is refused (tmpfs files). */
Fd open_direct(const std::string &path, int flags)
{
	int fd = open(path.c_str(), flags | O_DIRECT | O_CLOEXEC);

	if (fd < 0 && errno == EINVAL)
		fd = open(path.c_str(), flags | O_CLOEXEC);
	if (fd < 0)
		throw_errno(path, "cannot open", errno);
	return Fd(fd);
}

uint64_t superblock_offset(const std::string &path, uint64_t sectors)
{
	/* the kernel's minimum leg size */
	if (dxm_leg_size_check(sectors) != DXM_R_OK)
		throw Error(path, "too small for a daxmirror leg (" +
				  format_size(sectors << 9) + ")");
	return superblock_sector(sectors) << DXM_SECTOR_SHIFT;
}

} // namespace

std::string table_token(const BlockDevice &d)
{
	if (d.path.find_first_of(" \t\n\r") == std::string::npos)
		return d.path;
	if (d.is_block)
		return d.id.str();
	throw UsageError(d.given, "a file whose path holds white space cannot "
				  "be named in a device-mapper table");
}

BlockDevice inspect_device(const std::string &given, bool allow_file)
{
	BlockDevice d;
	struct stat st;
	Fd fd;

	d.given = given;
	d.path = canonical(given);
	if (stat(d.path.c_str(), &st))
		throw_errno(given, "", errno);
	if (S_ISBLK(st.st_mode)) {
		uint64_t bytes = 0;

		d.is_block = true;
		d.id = { major(st.st_rdev), minor(st.st_rdev) };
		fd = Fd(open(d.path.c_str(), O_RDONLY | O_CLOEXEC));
		if (!fd)
			throw_errno(given, "cannot open", errno);
		if (ioctl(fd.get(), BLKGETSIZE64, &bytes))
			throw_errno(given, "cannot get the size", errno);
		d.sectors = bytes >> DXM_SECTOR_SHIFT;
		d.kname = kernel_name(d.id).value_or(
			d.path.substr(d.path.rfind('/') + 1));
		d.dax = sysfs_dax(d.id);
	} else if (S_ISREG(st.st_mode) && allow_file) {
		d.sectors = static_cast<uint64_t>(st.st_size) >> DXM_SECTOR_SHIFT;
	} else {
		throw Error(given, "not a block device");
	}
	return d;
}

std::string sysfs_block_dir(const DevId &id)
{
	std::string link = "/sys/dev/block/" + id.str();
	std::string dir = canonical(link);

	if (dir == link && access(link.c_str(), F_OK))
		return "";
	return dir;
}

std::optional<std::string> kernel_name(const DevId &id)
{
	std::string dir = sysfs_block_dir(id);

	if (dir.empty())
		return std::nullopt;
	return dir.substr(dir.rfind('/') + 1);
}

std::optional<std::string> majmin_kernel_name(
	const std::optional<std::string> &maj_min)
{
	auto id = maj_min ? parse_dev_id(*maj_min) : std::nullopt;

	return id ? kernel_name(*id) : std::nullopt;
}

std::optional<std::string> device_path(const DevId &id)
{
	auto name = kernel_name(id);
	struct stat st;

	if (!name)
		return std::nullopt;
	std::string p = "/dev/" + *name;
	if (stat(p.c_str(), &st) || !S_ISBLK(st.st_mode) ||
	    major(st.st_rdev) != id.major || minor(st.st_rdev) != id.minor)
		return std::nullopt;
	return p;
}

std::optional<bool> sysfs_dax(const DevId &id)
{
	std::string dir = sysfs_block_dir(id);
	std::optional<std::string> v;

	if (dir.empty())
		return std::nullopt;
	if (!access((dir + "/partition").c_str(), F_OK))
		dir = dir.substr(0, dir.rfind('/'));
	v = read_sysfs(dir + "/queue/dax");
	if (!v)
		return std::nullopt;
	return *v == "1";
}

std::vector<Badblock> parse_badblocks(const std::string &text)
{
	std::istringstream in(text);
	std::vector<Badblock> out;
	std::string line;

	while (std::getline(in, line)) {
		std::istringstream l(line);
		unsigned long long s, c;

		if (l >> s >> c)
			out.push_back({ s, c });
	}
	return out;
}

std::vector<Badblock> read_badblocks(const DevId &id)
{
	std::string dir = sysfs_block_dir(id);
	std::optional<std::string> text;

	if (dir.empty())
		return {};
	text = read_sysfs(dir + "/badblocks");
	return text ? parse_badblocks(*text) : std::vector<Badblock>{};
}

int exclusive_open_error(const std::string &path)
{
	int fd = open(path.c_str(), O_RDONLY | O_EXCL | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

namespace {

/* A mountinfo field: octal escapes (\040 for a space) undone. */
std::string unescape_octal(const std::string &s)
{
	std::string out;

	for (size_t i = 0; i < s.size(); i++) {
		if (s[i] == '\\' && i + 3 < s.size() &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			out += (char)((s[i + 1] - '0') * 64 +
				      (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			out += s[i];
		}
	}
	return out;
}

} // namespace

std::vector<std::string> mount_points(const std::string &mountinfo,
				      const DevId &id)
{
	std::vector<std::string> out;
	std::istringstream in(mountinfo);
	std::string line;

	/* "36 35 98:0 /root /mnt/point rw ... - ext4 /dev/x rw" */
	while (std::getline(in, line)) {
		std::istringstream l(line);
		std::string mount_id, parent, majmin, root, point;

		if (!(l >> mount_id >> parent >> majmin >> root >> point))
			continue;
		if (majmin == id.str())
			out.push_back(unescape_octal(point));
	}
	return out;
}

std::string in_use_reason(const BlockDevice &dev)
{
	auto points = mount_points(read_sysfs("/proc/self/mountinfo")
					   .value_or(""), dev.id);

	if (!points.empty())
		return "mounted on " + points[0] + "; unmount it first";
	std::string dir = sysfs_block_dir(dev.id);
	std::unique_ptr<DIR, int (*)(DIR *)> holders(
		dir.empty() ? nullptr : opendir((dir + "/holders").c_str()),
		closedir);
	struct dirent *e;

	while (holders && (e = readdir(holders.get()))) {
		std::string h = e->d_name, name;

		if (h[0] == '.')
			continue;
		name = read_sysfs("/sys/class/block/" + h + "/dm/name")
			       .value_or("");
		if (!name.empty())
			return "held by device-mapper device " + name + " (" +
			       h + "); remove it first";
		return "held by " + h + "; stop it first";
	}
	return "opened exclusively by another program; close it first";
}

std::vector<std::string> list_block_devices()
{
	std::vector<std::string> out;
	std::unique_ptr<DIR, int (*)(DIR *)> dir(opendir("/sys/class/block"),
						 closedir);
	struct dirent *e;

	if (!dir)
		return out;
	while ((e = readdir(dir.get())))
		if (e->d_name[0] != '.')
			out.emplace_back(e->d_name);
	std::sort(out.begin(), out.end());
	return out;
}

namespace {

/* count sectors from sector, "cannot read WHAT" on failure */
std::vector<uint8_t> read_range(const std::string &path, uint64_t sector,
				uint64_t count, const std::string &what)
{
	/* whole 4 KiB blocks around the range, for O_DIRECT */
	uint64_t first = sector / DXM_PAGE_SECTORS * DXM_PAGE_SECTORS;
	uint64_t end = (sector + count + DXM_PAGE_SECTORS - 1) /
		       DXM_PAGE_SECTORS * DXM_PAGE_SECTORS;
	size_t len = (end - first) << DXM_SECTOR_SHIFT, done = 0;
	Fd fd = open_direct(path, O_RDONLY);
	void *p = nullptr;

	if (posix_memalign(&p, DXM_BLOCK_SIZE, len ? len : DXM_BLOCK_SIZE))
		throw std::bad_alloc();
	AlignedBuf buf(static_cast<uint8_t *>(p));
	while (done < len) {
		ssize_t n = pread(fd.get(), buf.get() + done, len - done,
				  (off_t)((first << DXM_SECTOR_SHIFT) + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw_errno(path, "cannot read " + what, errno);
		if (n == 0)
			throw Error(path, "cannot read " + what + ": short read");
		done += (size_t)n;
	}
	const uint8_t *from = buf.get() + ((sector - first) << DXM_SECTOR_SHIFT);
	return std::vector<uint8_t>(from, from + (count << DXM_SECTOR_SHIFT));
}

} // namespace

SuperblockBlock read_superblock_block(const std::string &path, uint64_t sectors)
{
	auto b = read_range(path,
			    superblock_offset(path, sectors) >> DXM_SECTOR_SHIFT,
			    DXM_PAGE_SECTORS, "the superblock");
	SuperblockBlock out;

	memcpy(out.data(), b.data(), out.size());
	return out;
}

std::vector<uint8_t> read_sectors(const std::string &path, uint64_t sector,
				  uint64_t count)
{
	return read_range(path, sector, count, "the metadata");
}

void zero_superblock_block(const std::string &path, uint64_t sectors)
{
	uint64_t off = superblock_offset(path, sectors);
	Fd fd = open_direct(path, O_WRONLY | O_EXCL | O_SYNC);
	AlignedBuf buf = aligned_block();
	ssize_t n;

	memset(buf.get(), 0, DXM_BLOCK_SIZE);
	n = pwrite(fd.get(), buf.get(), DXM_BLOCK_SIZE, (off_t)off);
	if (n < 0)
		throw_errno(path, "cannot clear the superblock area", errno);
	if (n != DXM_BLOCK_SIZE)
		throw Error(path, "cannot clear the superblock area: short write");
	if (fsync(fd.get()))
		throw_errno(path, "cannot clear the superblock area", errno);
}

} // namespace dxm
