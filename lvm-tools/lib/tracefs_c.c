// SPDX-License-Identifier: GPL-2.0
#include "tracefs_c.h"

#include <errno.h>
#include <stdlib.h>

#include <event-parse.h>
#include <tracefs.h>

struct dxm_trace {
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	int id;
};

struct dxm_trace_event {
	struct tep_event *ev;
	struct tep_record *rec;
};

struct dxm_trace *dxm_trace_open(const char *name, const char *system,
				 const char *event, int *why)
{
	const char *systems[] = { system, NULL };
	struct dxm_trace *t;
	struct tep_event *ev;
	int err;

	if (!tracefs_tracing_dir()) {
		*why = DXM_TRACE_NO_TRACEFS;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		*why = DXM_TRACE_INSTANCE;
		return NULL;
	}
	t->tep = tracefs_local_events_system(NULL, systems);
	ev = t->tep ? tep_find_event_by_name(t->tep, system, event) : NULL;
	if (!ev) {
		*why = DXM_TRACE_NO_EVENT;
		goto free_tep;
	}
	t->id = ev->id;
	t->inst = tracefs_instance_create(name);
	if (!t->inst) {
		*why = DXM_TRACE_INSTANCE;
		goto free_tep;
	}
	if (tracefs_event_enable(t->inst, system, event)) {
		*why = DXM_TRACE_ENABLE;
		goto destroy_instance;
	}
	return t;

destroy_instance:
	err = errno;
	tracefs_instance_destroy(t->inst);
	tracefs_instance_free(t->inst);
	errno = err;
free_tep:
	err = errno;
	if (t->tep)
		tep_free(t->tep);
	free(t);
	errno = err;
	return NULL;
}

void dxm_trace_close(struct dxm_trace *t)
{
	tracefs_instance_destroy(t->inst);
	tracefs_instance_free(t->inst);
	tep_free(t->tep);
	free(t);
}

void dxm_trace_stop(struct dxm_trace *t)
{
	tracefs_trace_off(t->inst);
}

struct walk {
	int id;
	void (*fn)(const struct dxm_trace_event *ev, void *ctx);
	void *ctx;
};

static int walk_one(struct tep_event *ev, struct tep_record *rec, int cpu,
		    void *ctx)
{
	struct walk *w = ctx;
	struct dxm_trace_event e = { ev, rec };

	(void)cpu;
	if (ev && ev->id == w->id)
		w->fn(&e, w->ctx);
	return 0;
}

int dxm_trace_walk(struct dxm_trace *t,
		   void (*fn)(const struct dxm_trace_event *ev, void *ctx),
		   void *ctx)
{
	struct walk w = { t->id, fn, ctx };

	return tracefs_iterate_raw_events(t->tep, t->inst, NULL, 0, walk_one,
					  &w) ? -1 : 0;
}

int dxm_trace_number(const struct dxm_trace_event *ev, const char *name,
		     unsigned long long *val)
{
	if (!tep_find_field(ev->ev, name))
		return -1;
	return tep_get_field_val(NULL, ev->ev, name, ev->rec, val, 0) ? -1 : 0;
}

const char *dxm_trace_text(const struct dxm_trace_event *ev, const char *name,
			   int *len)
{
	if (!tep_find_field(ev->ev, name))
		return NULL;
	return tep_get_field_raw(NULL, ev->ev, name, ev->rec, len, 0);
}
