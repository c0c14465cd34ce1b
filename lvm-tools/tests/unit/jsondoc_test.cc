// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <vector>

#include "jsondoc.h"
#include "report.h"

using namespace dxm;

namespace {

std::vector<std::string> keys(const nlohmann::ordered_json &o)
{
	std::vector<std::string> k;

	for (const auto &kv : o.items())
		k.push_back(kv.key());
	return k;
}

std::vector<std::string> schema_keys(const std::string &def)
{
	return keys(json_schema()["$defs"][def]["properties"]);
}

} // namespace

TEST_CASE("JSON documents: version first, keys in the schema's order")
{
	MirrorStatus s = parse_status(
		"2 259:0 259:1 AA 8/8 idle 0 0/0 8/8 0 0 0 dax 0");
	DeviceReport r = make_report("m0", 8, s);
	nlohmann::ordered_json j = json_document("status", to_json(r));

	CHECK(json_schema()["$defs"]["version"]["const"] == JSON_VERSION);
	CHECK(j["version"] == JSON_VERSION);
	/* nlohmann::json alone would sort them: action, dax, ... */
	CHECK(keys(j) == schema_keys("status"));
	CHECK(keys(j).front() == "version");
	CHECK(keys(j["legs"][1]) == schema_keys("status_leg"));
	CHECK(keys(j["sync"]) == std::vector<std::string>{ "in_sync_sectors",
							  "total_sectors" });
}

TEST_CASE("JSON documents: a key the schema does not know comes last")
{
	nlohmann::json body = { { "zz_new", 1 }, { "aa_new", 2 },
				{ "name", "m0" } };
	auto k = keys(json_document("status", body));

	CHECK(k == std::vector<std::string>{ "version", "name", "aa_new",
					     "zz_new" });
}

TEST_CASE("JSON documents: a body's own version is refused")
{
	CHECK_THROWS_AS(json_document("leg_metadata", { { "version", 2 } }),
			std::logic_error);
}
