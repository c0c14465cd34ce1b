// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include "blockdev.h"
#include "errors.h"

using namespace dxm;

namespace {

BlockDevice device(const std::string &path, bool is_block)
{
	BlockDevice d;
	d.given = path;
	d.path = path;
	d.is_block = is_block;
	d.id = DevId{ 7, 3 };
	return d;
}

} // namespace

TEST_CASE("a device is named in a table by its path")
{
	CHECK(table_token(device("/dev/pmem0", true)) == "/dev/pmem0");
	CHECK(table_token(device("/srv/leg.img", false)) == "/srv/leg.img");
}

TEST_CASE("a device whose path holds white space is named by its number")
{
	CHECK(table_token(device("/dev/disk/by-label/my leg", true)) == "7:3");
	CHECK(table_token(device("/tmp/a\tb", true)) == "7:3");
	// a regular file has no number: a clear refusal, not an internal error
	CHECK_THROWS_AS(table_token(device("/tmp/my leg.img", false)),
			UsageError);
}

TEST_CASE("mount points of a device from mountinfo, escapes undone")
{
	const std::string mi =
		"22 1 259:0 / /mnt/a\\040b rw,relatime - ext4 /dev/pmem0 rw\n"
		"23 1 259:1 / /srv rw - xfs /dev/pmem1 rw\n"
		"24 22 259:0 /sub /bind rw - ext4 /dev/pmem0 rw\n"
		"garbage\n";
	DevId a{ 259, 0 }, c{ 259, 2 };
	auto p = mount_points(mi, a);
	REQUIRE(p.size() == 2);
	CHECK(p[0] == "/mnt/a b");
	CHECK(p[1] == "/bind");
	CHECK(mount_points(mi, c).empty());
}

TEST_CASE("a status line's maj:min text names no device when it is none")
{
	CHECK_FALSE(majmin_kernel_name(std::nullopt));
	CHECK_FALSE(majmin_kernel_name(std::string("-")));
	CHECK_FALSE(majmin_kernel_name(std::string("259")));
	/* a well-formed number no device has: sysfs has no such entry */
	CHECK_FALSE(majmin_kernel_name(std::string("4095:1048575")));
}
