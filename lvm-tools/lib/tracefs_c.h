/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libtracefs and libtraceevent calls the tool makes, behind a C
 * interface of its own: Debian 12's tracefs.h (1.6) does not compile as
 * C++, so tracefs_c.c, compiled as C, is the only file that includes it.
 * tracing.h wraps this for the rest of the tool.
 */
#ifndef DAXMIRROR_TRACEFS_C_H
#define DAXMIRROR_TRACEFS_C_H

#ifdef __cplusplus
extern "C" {
#endif

struct dxm_trace;

/* why dxm_trace_open() failed */
enum dxm_trace_error {
	DXM_TRACE_NO_TRACEFS = 1,	/* tracefs not mounted */
	DXM_TRACE_NO_EVENT,		/* the kernel has no such event */
	DXM_TRACE_INSTANCE,		/* the instance cannot be made (errno) */
	DXM_TRACE_ENABLE,		/* the event cannot be enabled (errno) */
};

/*
 * A trace instance named name recording system:event; NULL on failure,
 * with *why set (and errno for DXM_TRACE_INSTANCE and _ENABLE).
 */
struct dxm_trace *dxm_trace_open(const char *name, const char *system,
				 const char *event, int *why);
/* Removes the instance and frees everything. */
void dxm_trace_close(struct dxm_trace *t);
/* Stops recording. */
void dxm_trace_stop(struct dxm_trace *t);

/* One recorded event, valid during the callback only */
struct dxm_trace_event;
/* Calls fn for each recorded event of the kind; 0 or -1. */
int dxm_trace_walk(struct dxm_trace *t,
		   void (*fn)(const struct dxm_trace_event *ev, void *ctx),
		   void *ctx);
/* An integer field: 0 and *val, or -1 when there is no such field. */
int dxm_trace_number(const struct dxm_trace_event *ev, const char *name,
		     unsigned long long *val);
/* A string field's bytes and their number, or NULL. */
const char *dxm_trace_text(const struct dxm_trace_event *ev, const char *name,
			   int *len);

#ifdef __cplusplus
}
#endif

#endif
