// SPDX-License-Identifier: GPL-2.0
/*
 * Every JSON document the tool prints goes through here: it gets
 * "version" (of docs/daxmirror.schema.json) as its first key, and the keys
 * of every object in it, at every level, in the order in which the schema
 * lists that object's properties.  The schema is compiled into the tool,
 * so the order is written down once, in the file the tests validate
 * against, and never by hand per command.
 */
#ifndef DAXMIRROR_JSONDOC_H
#define DAXMIRROR_JSONDOC_H

#include <string>

#include <nlohmann/json.hpp>

namespace dxm {

/* Bump on a removed or renamed key or a changed meaning; adding is free. */
inline constexpr int JSON_VERSION = 1;

/* The schema, as parsed from the text the tool was built with. */
const nlohmann::ordered_json &json_schema();

/*
 * body (an object) with "version" added, ordered by the schema's
 * $defs/<def> (status, list_entry, leg_metadata, detail, event).  Keys
 * the schema does not know come last, in name order (the schema tests
 * refuse them).  A body with its own "version" is a bug (logic_error).
 */
nlohmann::ordered_json json_document(const std::string &def,
				     const nlohmann::json &body);

/* Any value ordered by the schema node at a JSON pointer ("/$defs/x"). */
nlohmann::ordered_json json_ordered(const std::string &pointer,
				    const nlohmann::json &value);

} // namespace dxm

#endif
