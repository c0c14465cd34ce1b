// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "blkid.h"
#include "blockdev.h"
#include "errors.h"
#include "legcheck.h"

using namespace dxm;

namespace {

std::string find_mkfs()
{
	for (const char *p : { "/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4",
			       "/usr/bin/mkfs.ext4" })
		if (!access(p, X_OK))
			return p;
	return "";
}

struct TempImage {
	std::string path;
	TempImage()
	{
		char tmpl[] = "/tmp/dxm-blkid-XXXXXX";
		int fd = mkstemp(tmpl);
		REQUIRE(fd >= 0);
		REQUIRE(ftruncate(fd, 32 << 20) == 0);
		close(fd);
		path = tmpl;
	}
	~TempImage() { unlink(path.c_str()); }
};

} // namespace

TEST_CASE("blank image has no signature")
{
	TempImage img;
	CHECK(blkid::probe_signatures(img.path).empty());
	LegFacts f = gather_leg_facts(img.path, true);
	CHECK(f.sb_kind == SbKind::Blank);
	LegPolicy p;
	p.require_dax = false;
	CHECK_FALSE(judge_leg(f, p).blocking(false));
}

TEST_CASE("an ext4 image is refused without --force")
{
	std::string mkfs = find_mkfs();
	if (mkfs.empty()) {
		MESSAGE("mkfs.ext4 not found: skipped");
		return;
	}
	TempImage img;
	std::string cmd = mkfs + " -F -q " + img.path + " >/dev/null 2>&1";
	REQUIRE(system(cmd.c_str()) == 0);

	auto sigs = blkid::probe_signatures(img.path);
	REQUIRE(sigs.size() >= 1);
	CHECK(sigs[0].type == "ext4");
	CHECK(sigs[0].usage == "filesystem");

	LegFacts f = gather_leg_facts(img.path, true);
	LegPolicy p;
	p.require_dax = false;
	auto v = judge_leg(f, p);
	auto b = v.blocking(false);
	REQUIRE(b);
	CHECK(b->why.find("ext4") != std::string::npos);
	CHECK_FALSE(v.blocking(true));
}

TEST_CASE("tags")
{
	CHECK(blkid::is_tag("UUID=abc"));
	CHECK(blkid::is_tag("LABEL=x"));
	CHECK_FALSE(blkid::is_tag("/dev/pmem0"));
	CHECK(blkid::resolve_device("/dev/pmem0") == "/dev/pmem0");
}

TEST_CASE("a device without DAX is refused even with --force")
{
	LegFacts f;
	f.dev.dax = false;
	LegPolicy p;
	auto v = judge_leg(f, p);
	CHECK(v.blocking(true));
	p.require_dax = false;
	CHECK_FALSE(judge_leg(f, p).blocking(true));
}
