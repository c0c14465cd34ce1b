// SPDX-License-Identifier: GPL-2.0
/*
 * Facts about block devices from the kernel (stat, ioctl, sysfs): size,
 * device number, DAX capability, bad blocks, whether something holds the
 * device, and raw access to the superblock block at its end.
 */
#ifndef DAXMIRROR_BLOCKDEV_H
#define DAXMIRROR_BLOCKDEV_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "superblock.h"
#include "types.h"

namespace dxm {

/* An open file descriptor; move-only. */
class Fd {
public:
	Fd() = default;
	explicit Fd(int fd) : fd_(fd) {}
	Fd(Fd &&o) noexcept : fd_(o.release()) {}
	Fd &operator=(Fd &&o) noexcept;
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd();
	int get() const { return fd_; }
	int release();
	explicit operator bool() const { return fd_ >= 0; }

private:
	int fd_ = -1;
};

struct BlockDevice {
	std::string given;	/* as on the command line */
	std::string path;	/* canonical path */
	bool is_block = false;	/* else a regular file (table, tests) */
	DevId id;		/* block devices only */
	std::string kname;	/* "pmem0"; block devices only */
	uint64_t sectors = 0;
	std::optional<bool> dax; /* queue/dax; unknown for files */
};

/*
 * Resolves and inspects a block device (or, with allow_file, a regular
 * file).  Throws Error(path, reason).
 */
BlockDevice inspect_device(const std::string &path, bool allow_file);

/*
 * How the device is named in a device-mapper table, whose arguments are
 * separated by white space: its path, or "MAJ:MIN" when the path holds
 * white space.  Throws UsageError for a regular file whose path does.
 */
std::string table_token(const BlockDevice &d);

/* The text of a sysfs attribute without its trailing newline and
 * blanks, or nullopt when it cannot be read. */
std::optional<std::string> read_sysfs(const std::string &path);

/* sysfs directory of the whole disk or partition, "" if none */
std::string sysfs_block_dir(const DevId &id);

/* "pmem0" for 259:0, or nullopt */
std::optional<std::string> kernel_name(const DevId &id);

/* kernel_name() of a "maj:min" text as status lines give it, or nullopt
 * (also for no text and text that is no device number) */
std::optional<std::string> majmin_kernel_name(
	const std::optional<std::string> &maj_min);

/* "/dev/pmem0" when that node exists and is the device, else nullopt */
std::optional<std::string> device_path(const DevId &id);

/* queue/dax of the disk (of the parent disk for a partition) */
std::optional<bool> sysfs_dax(const DevId &id);

/* The kernel's bad-block list of the device (empty if it has none). */
std::vector<Badblock> read_badblocks(const DevId &id);

/* Parses the text of a sysfs badblocks file ("<sector> <count>" lines). */
std::vector<Badblock> parse_badblocks(const std::string &text);

/* 0 when an O_EXCL open works (nobody holds the device), else errno. */
int exclusive_open_error(const std::string &path);

/* Mount points of the device in a /proc/self/mountinfo text. */
std::vector<std::string> mount_points(const std::string &mountinfo,
				      const DevId &id);

/*
 * Why a device an O_EXCL open refuses is in use, with what to do about
 * it: "mounted on /mnt; unmount it first", "held by dm-3 (m0); ...".
 */
std::string in_use_reason(const BlockDevice &dev);

/* Names in /sys/class/block (disks and partitions). */
std::vector<std::string> list_block_devices();

/* The block at the superblock position of a device or file. */
SuperblockBlock read_superblock_block(const std::string &path,
				      uint64_t sectors);

/* count sectors from sector of a device or file; throws Error. */
std::vector<uint8_t> read_sectors(const std::string &path, uint64_t sector,
				  uint64_t count);

/* Overwrites the superblock position with zeros (synchronously). */
void zero_superblock_block(const std::string &path, uint64_t sectors);

} // namespace dxm

#endif
