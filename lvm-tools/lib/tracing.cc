// SPDX-License-Identifier: GPL-2.0
#include "tracing.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "tracefs_c.h"

namespace dxm {

namespace {

class RecordFields : public EventFields {
public:
	explicit RecordFields(const dxm_trace_event *ev) : ev_(ev) {}

	std::optional<uint64_t> number(const std::string &name) const override
	{
		unsigned long long v;

		if (dxm_trace_number(ev_, name.c_str(), &v))
			return std::nullopt;
		return static_cast<uint64_t>(v);
	}

	std::optional<std::string> text(const std::string &name) const override
	{
		int len = 0;
		const char *p = dxm_trace_text(ev_, name.c_str(), &len);

		if (!p || len < 0)
			return std::nullopt;
		return std::string(p, strnlen(p, static_cast<size_t>(len)));
	}

private:
	const dxm_trace_event *ev_;
};

void call_fn(const dxm_trace_event *ev, void *ctx)
{
	auto *fn = static_cast<const std::function<void(const EventFields &)> *>(ctx);

	(*fn)(RecordFields(ev));
}

} // namespace

EventTrace::EventTrace(const std::string &system, const std::string &event)
	: what_(system + ":" + event)
{
	std::string name = "daxmirror-" + std::to_string(getpid());
	int why = 0;

	t_ = dxm_trace_open(name.c_str(), system.c_str(), event.c_str(), &why);
	if (t_)
		return;
	switch (why) {
	case DXM_TRACE_NO_TRACEFS:
		throw Error("tracefs", "not mounted (mount -t tracefs nodev "
			    "/sys/kernel/tracing)");
	case DXM_TRACE_NO_EVENT:
		throw Error(what_, "the kernel has no such trace event");
	case DXM_TRACE_ENABLE:
		throw_errno(what_, "enable it in trace instance " + name, errno);
	default:
		throw_errno("tracefs", "make trace instance " + name, errno);
	}
}

EventTrace::~EventTrace()
{
	dxm_trace_close(t_);
}

void EventTrace::stop()
{
	dxm_trace_stop(t_);
}

void EventTrace::for_each(const std::function<void(const EventFields &)> &fn)
{
	if (dxm_trace_walk(t_, call_fn,
			   const_cast<std::function<void(const EventFields &)> *>(&fn)))
		throw Error(what_, "cannot read the trace instance's buffers");
}

} // namespace dxm
