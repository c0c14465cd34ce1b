// SPDX-License-Identifier: GPL-2.0
#include "blkid.h"

#include <blkid/blkid.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "errors.h"

namespace dxm::blkid {

namespace {

struct ProbeFree {
	void operator()(blkid_probe p) const { blkid_free_probe(p); }
};
using Probe = std::unique_ptr<std::remove_pointer_t<blkid_probe>, ProbeFree>;

struct CacheFree {
	void operator()(blkid_cache c) const { blkid_put_cache(c); }
};

std::string value(blkid_probe pr, const char *name)
{
	const char *v = nullptr;

	if (blkid_probe_lookup_value(pr, name, &v, nullptr) || !v)
		return "";
	return v;
}

} // namespace

std::string Signature::describe() const
{
	std::string s = type;

	if (!usage.empty())
		s += " " + usage;
	s += " signature";
	if (!label.empty())
		s += " (LABEL=" + label + ")";
	else if (!uuid.empty())
		s += " (UUID=" + uuid + ")";
	return s;
}

std::vector<Signature> probe_signatures(const std::string &path)
{
	std::vector<Signature> out;
	Probe pr(blkid_new_probe_from_filename(path.c_str()));
	int r;

	if (!pr)
		throw_errno(path, "cannot probe for signatures",
			    errno ? errno : EIO);
	blkid_probe_enable_superblocks(pr.get(), 1);
	blkid_probe_set_superblocks_flags(
		pr.get(), BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_TYPE |
				  BLKID_SUBLKS_USAGE | BLKID_SUBLKS_LABEL |
				  BLKID_SUBLKS_UUID | BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr.get(), 1);
	blkid_probe_set_partitions_flags(pr.get(), BLKID_PARTS_MAGIC);

	/* one result per call, like wipefs: loop until no more */
	while ((r = blkid_do_probe(pr.get())) == 0) {
		Signature s;
		std::string off;

		s.type = value(pr.get(), "TYPE");
		if (!s.type.empty()) {
			s.usage = value(pr.get(), "USAGE");
			s.label = value(pr.get(), "LABEL");
			s.uuid = value(pr.get(), "UUID");
			off = value(pr.get(), "SBMAGIC_OFFSET");
		} else {
			s.type = value(pr.get(), "PTTYPE");
			if (s.type.empty())
				continue;
			s.usage = "partition table";
			s.uuid = value(pr.get(), "PTUUID");
			off = value(pr.get(), "PTMAGIC_OFFSET");
		}
		s.offset = off.empty() ? 0 : strtoull(off.c_str(), nullptr, 10);
		out.push_back(std::move(s));
	}
	if (r < 0)
		throw Error(path, "probing for signatures failed");
	return out;
}

void wipe_signatures(const std::string &path)
{
	int fd = open(path.c_str(), O_RDWR | O_EXCL | O_CLOEXEC);
	int r;

	if (fd < 0)
		throw_errno(path, "cannot open to wipe its signatures", errno);
	std::unique_ptr<int, void (*)(int *)> guard(&fd, [](int *f) {
		close(*f);
	});
	Probe pr(blkid_new_probe());
	if (!pr || blkid_probe_set_device(pr.get(), fd, 0, 0))
		throw Error(path, "cannot probe for signatures");
	blkid_probe_enable_superblocks(pr.get(), 1);
	blkid_probe_set_superblocks_flags(pr.get(), BLKID_SUBLKS_MAGIC |
					  BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr.get(), 1);
	blkid_probe_set_partitions_flags(pr.get(), BLKID_PARTS_MAGIC);
	/* each wipe makes the next probe look at the same place again */
	while ((r = blkid_do_probe(pr.get())) == 0)
		if (blkid_do_wipe(pr.get(), 0))
			throw_errno(path, "cannot wipe a signature",
				    errno ? errno : EIO);
	if (r < 0)
		throw Error(path, "probing for signatures failed");
	if (fsync(fd))
		throw_errno(path, "cannot wipe its signatures", errno);
}

bool is_tag(const std::string &spec)
{
	for (const char *t : { "UUID=", "LABEL=", "PARTUUID=", "PARTLABEL=" })
		if (spec.rfind(t, 0) == 0)
			return true;
	return false;
}

std::string resolve_tag(const std::string &spec)
{
	blkid_cache raw = nullptr;
	std::unique_ptr<char, decltype(&free)> dev(nullptr, free);

	dev.reset(blkid_evaluate_tag(spec.c_str(), nullptr, &raw));
	std::unique_ptr<std::remove_pointer_t<blkid_cache>, CacheFree>
		cache(raw);
	if (!dev)
		throw Error(spec, "no device with this tag");
	return dev.get();
}

std::string resolve_device(const std::string &spec)
{
	return is_tag(spec) ? resolve_tag(spec) : spec;
}

} // namespace dxm::blkid
