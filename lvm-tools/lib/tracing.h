// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel trace events read through libtracefs and libtraceevent: a trace
 * instance of the tool's own with one event enabled (the system's tracing
 * is left as it is), and the recorded events' fields by name.
 */
#ifndef DAXMIRROR_TRACING_H
#define DAXMIRROR_TRACING_H

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

struct dxm_trace;

namespace dxm {

/* The fields of one recorded event, by name */
class EventFields {
public:
	virtual ~EventFields() = default;
	/* an integer field, nullopt when the event has no such field */
	virtual std::optional<uint64_t> number(const std::string &name) const = 0;
	/* a string field (fixed or dynamic), nullopt when it has none */
	virtual std::optional<std::string> text(const std::string &name) const = 0;
};

/*
 * A trace instance "daxmirror-PID" recording one event (system/event),
 * removed when this object goes.  Throws Error when tracefs or the event
 * is missing, or the instance cannot be made.
 */
class EventTrace {
public:
	EventTrace(const std::string &system, const std::string &event);
	~EventTrace();
	EventTrace(const EventTrace &) = delete;
	EventTrace &operator=(const EventTrace &) = delete;

	/* Stops recording (recorded events stay readable). */
	void stop();
	/* Calls fn for every recorded event of that kind, per CPU in order. */
	void for_each(const std::function<void(const EventFields &)> &fn);

private:
	std::string what_;
	dxm_trace *t_ = nullptr;
};

} // namespace dxm

#endif
