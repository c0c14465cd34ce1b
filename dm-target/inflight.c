// SPDX-License-Identifier: GPL-2.0
/*
 * DAX accesses that may still be in flight.
 *
 * direct_access() returns an address; the caller stores to it afterwards
 * (a write(2) chunk copies into it, a fault installs a page table entry
 * for it).  A flush that copies a page between those two moments copies
 * the old data, and nothing marks the page again.  The kernel offers a
 * module no way to wait for such callers, so the target keeps, per task
 * and kind, the range of the latest hand-out.  The kinds are kernel
 * copies (read/write(2), zeroing: the caller asks for no pfn) and
 * mappings (faults: the caller wants the pfn).  Accesses of one task and
 * kind are sequential; a fault can happen inside a copy (write(2) from a
 * buffer that is itself a DAX mapping), never a copy inside a copy or a
 * fault inside a fault.  So only the latest hand-out of each kind can be
 * in flight.
 *
 *  - Every flush copies the latest hand-outs again (and zaps their
 *    mappings), however often it flushes, so stores made after an
 *    earlier copy are taken.
 *  - When the task asks for its next range of the same kind, its previous
 *    access is complete; if a flush ran since that hand-out, the previous
 *    range is marked hot once more, so its final data is copied.
 *  - A mapping's hand-out is over once its fault is: a DAX fault holds
 *    its file's entry locked from before direct_access() until its page
 *    table entry is in place, and the file names the page from
 *    dax_insert_entry() on (zap.c, dxm_fault_over()).  A flush that sees
 *    a write fault over before it copies and unmaps the range copies it
 *    for the last time: a store made afterwards faults again.  Until
 *    then, however long the fault takes, every flush copies the range.
 *    An entry left clean (a read fault, a write fault written back since,
 *    or a MAP_SYNC write fault between its fsync and its page table
 *    entry) counts only once the range was copied DXM_COOL_MS ago (the
 *    residual window of MAP_SYNC faults: an fsync inside the fault that
 *    takes longer than that, across two flushes).
 *  - A flush submitted by a task itself ends that task's kernel copy: no
 *    flush is submitted from inside read/write(2)'s copy, so the copy is
 *    complete and this flush's copy of it is final.  (Not so for
 *    mappings: a MAP_SYNC write fault fsyncs before it installs the page
 *    table entry.)  This is what keeps write(2) + fsync at one copy.
 *  - A kernel copy is over once the system call that made it has
 *    returned: read(2), write(2) and their kin count each call in the
 *    task's I/O accounting after the copy (syscr/syscw, with
 *    CONFIG_TASK_XACCT), so a count that moved since the hand-out ends
 *    it.  Copies outside those calls (io_uring, a truncate's zeroing)
 *    wait for the task's next hand-out, its own flush or its exit, and
 *    so does every copy without task accounting: a time limit there
 *    dropped a write(2) held (preempted, or faulting on its source)
 *    across flushes for longer than DXM_COOL_MS before it had stored
 *    (20-replication/inflight_write_long on the debug kernels).
 *  - A hand-out of a task that has exited is over.
 *  - A slot whose access is over may be taken by another task.  When
 *    none is, the range falls back to time-bounded cooling
 *    (copied by every flush until one comes DXM_COOL_MS later).
 *
 * The cost of a flush is thus the hot data plus one range per task that
 * used DAX recently, not every page handed out in the last DXM_COOL_MS.
 * Everything here runs under dc->lock, except the fault look-ups
 * (dxm_acc_see_faults(), dxm_acc_make_room()), which take it themselves.
 */
#include <linux/hash.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/jiffies.h>
#include "daxmirror.h"

#define DXM_ACC_PROBE	8

static void dxm_warm_pages(struct dxm_c *dc, unsigned long page,
			   unsigned long nr)
{
	unsigned long r = page >> dc->pages_shift;
	unsigned long last = (page + nr - 1) >> dc->pages_shift;

	for (; r <= last; r++)
		if (!__test_and_set_bit(r, dc->warm.map))
			dxm_warm_list_add(dc, r);
}

/* Pages to copy at the next flush. */
void dxm_set_hot(struct dxm_c *dc, unsigned long page, unsigned long nr)
{
	lockdep_assert_held(&dc->lock);
	if (!nr)
		return;
	dxm_pb_set(dc, DXM_PB_HOT, page, nr);
	dxm_warm_pages(dc, page, nr);
}

/*
 * Hot pages that a fault was given: the flush that copies them must first
 * unmap them if they are mapped writable (zap.c).  Pages only handed to
 * kernel copies (read/write(2)) skip that lookup.
 */
void dxm_set_mapped(struct dxm_c *dc, unsigned long page, unsigned long nr)
{
	unsigned long first = page >> dc->pages_shift;

	lockdep_assert_held(&dc->lock);
	if (!nr)
		return;
	dxm_pb_set(dc, DXM_PB_MAPPED, page, nr);
	/* never cleared: a file keeps its entry after the mapping goes */
	bitmap_set(dc->rs.faulted, first,
		   ((page + nr - 1) >> dc->pages_shift) - first + 1);
}

/* A task's latest hand-out is to be copied (again) at the next flush. */
static void dxm_acc_set_hot(struct dxm_c *dc, struct dxm_accessor *a)
{
	dxm_set_hot(dc, a->page, a->nr);
	if (a->mapped)
		dxm_set_mapped(dc, a->page, a->nr);
}

/* Pages to copy at every flush until one comes DXM_COOL_MS from now. */
void dxm_set_cooling(struct dxm_c *dc, unsigned long page, unsigned long nr)
{
	unsigned long r, last;

	lockdep_assert_held(&dc->lock);
	if (!nr)
		return;
	dxm_pb_set(dc, DXM_PB_COOLING, page, nr);
	dxm_warm_pages(dc, page, nr);
	last = (page + nr - 1) >> dc->pages_shift;
	for (r = page >> dc->pages_shift; r <= last; r++)
		dc->warm.cool_since[r % DXM_NR_BUCKETS] = jiffies;
}

static bool dxm_acc_expired(struct dxm_accessor *a)
{
	return a->copied && time_after_eq(jiffies, a->copied +
					  msecs_to_jiffies(DXM_COOL_MS));
}

static void dxm_acc_free(struct dxm_c *dc, struct dxm_accessor *a)
{
	a->task = NULL;
	put_pid(a->pid);
	a->pid = NULL;
	__clear_bit(a - dc->acc.slot, dc->acc.used);
}

/* Whether the task of @a has exited (or is exiting): it accesses nothing. */
static bool dxm_acc_task_gone(struct dxm_accessor *a)
{
	struct task_struct *t;
	bool gone;

	rcu_read_lock();
	t = pid_task(a->pid, PIDTYPE_PID);
	gone = !t || (READ_ONCE(t->flags) & PF_EXITING);
	rcu_read_unlock();
	return gone;
}

/* The read and write system calls the task has made so far. */
static u64 dxm_task_syscalls(struct task_struct *t)
{
#ifdef CONFIG_TASK_XACCT
	return READ_ONCE(t->ioac.syscr) + READ_ONCE(t->ioac.syscw);
#else
	return 0;
#endif
}

/* Whether @a is a kernel copy whose system call has returned. */
static bool dxm_acc_copy_over(struct dxm_accessor *a)
{
	struct task_struct *t;
	bool over;

	if (a->mapped)
		return false;
	/* no counts: over at the task's next hand-out, own flush or exit */
	if (!IS_ENABLED(CONFIG_TASK_XACCT))
		return false;
	rcu_read_lock();
	t = pid_task(a->pid, PIDTYPE_PID);
	over = t && dxm_task_syscalls(t) != a->syscalls;
	rcu_read_unlock();
	return over;
}

/*
 * A slot another task may take: its access is over (a kernel copy whose
 * call returned, a mapping whose fault was seen over, a task gone).  Its
 * range is marked hot once more when it is released if a flush ran
 * since its hand-out; else its hand-out's own marks are still there.
 */
static bool dxm_acc_reusable(struct dxm_accessor *a)
{
	return dxm_acc_copy_over(a) || dxm_acc_task_gone(a) ||
	       (a->mapped && a->over);
}

/*
 * Whether the copy a flush is about to make of @a's range is the last
 * one it needs (see the rules above); @flusher: the task submitting the
 * flush, when it runs in that task's context.
 */
static bool dxm_acc_done(struct dxm_accessor *a, struct task_struct *flusher)
{
	if (dxm_acc_task_gone(a))
		return true;
	if (a->mapped)
		return a->over;
	return a->task == flusher || dxm_acc_copy_over(a);
}

/* The destructor: the slots' task references go. */
void dxm_acc_exit(struct dxm_c *dc)
{
	unsigned int i;

	spin_lock_irq(&dc->lock);
	for_each_set_bit(i, dc->acc.used, DXM_NR_ACC)
		dxm_acc_free(dc, &dc->acc.slot[i]);
	spin_unlock_irq(&dc->lock);
}

/*
 * The access of @a is over (or its slot is taken): if a flush may have
 * copied its range while it was in flight, copy the range again.
 */
static void dxm_acc_release(struct dxm_c *dc, struct dxm_accessor *a)
{
	if (a->gen != dc->warm.flush_gen || (a->gen & 1))
		dxm_acc_set_hot(dc, a);
	dxm_acc_free(dc, a);
}

/*
 * direct_access() handed [page, page + nr) to the current task, for a
 * mapping (@mapped) or a kernel copy.
 */
void dxm_note_handout(struct dxm_c *dc, unsigned long page, unsigned long nr,
		      bool mapped)
{
	unsigned int h = hash_ptr(current, DXM_ACC_BITS) ^ mapped, i;
	struct dxm_accessor *a, *spare = NULL;

	lockdep_assert_held(&dc->lock);
	for (i = 0; i < DXM_ACC_PROBE; i++) {
		a = &dc->acc.slot[(h + i) % DXM_NR_ACC];
		if (a->task == current && a->mapped == mapped)
			break;
		if (!spare && !a->task)
			spare = a;
		a = NULL;
	}
	/* no slot of ours, none free: one whose access is over (dearer) */
	for (i = 0; !a && !spare && i < DXM_ACC_PROBE; i++)
		if (dxm_acc_reusable(&dc->acc.slot[(h + i) % DXM_NR_ACC]))
			spare = &dc->acc.slot[(h + i) % DXM_NR_ACC];
	if (!a) {
		if (!spare) {
			/* every nearby slot is in use: time-bounded cooling */
			dxm_set_cooling(dc, page, nr);
			return;
		}
		a = spare;
	}
	if (a->task)
		dxm_acc_release(dc, a);
	a->task = current;
	a->pid = get_pid(task_pid(current));
	a->syscalls = dxm_task_syscalls(current);
	__set_bit(a - dc->acc.slot, dc->acc.used);
	a->mapped = mapped;
	a->page = page;
	a->nr = nr;
	a->gen = dc->warm.flush_gen;
	a->copied = 0;
	a->seq = ++dc->acc.seq;
	a->over = false;
}

/*
 * Look whether the fault of slot @i's mapping hand-out is over (zap.c)
 * and record it in the slot if it still holds that hand-out.  The look
 * is taken without dc->lock: a leg that is a device-mapper device may
 * sleep in its direct_access().  A fault seen over stays over.
 */
static void dxm_acc_see_fault(struct dxm_c *dc, unsigned int i)
{
	struct dxm_accessor a;

	spin_lock_irq(&dc->lock);
	a = dc->acc.slot[i];
	spin_unlock_irq(&dc->lock);
	if (!a.task || !a.mapped || a.over ||
	    !dxm_fault_over(dc, a.page, dxm_acc_expired(&a)))
		return;
	spin_lock_irq(&dc->lock);
	if (dc->acc.slot[i].task && dc->acc.slot[i].seq == a.seq)
		dc->acc.slot[i].over = true;
	spin_unlock_irq(&dc->lock);
}

/*
 * Before a flush of pages [first, end) takes its pages: which mapping
 * hand-outs there have their fault over.  Seen before the flush copies
 * and unmaps them, so this flush's copy is their last.
 */
void dxm_acc_see_faults(struct dxm_c *dc, unsigned long first,
			unsigned long end)
{
	DECLARE_BITMAP(used, DXM_NR_ACC);
	struct dxm_accessor *a;
	unsigned int i;

	spin_lock_irq(&dc->lock);
	bitmap_copy(used, dc->acc.used, DXM_NR_ACC);
	spin_unlock_irq(&dc->lock);
	for_each_set_bit(i, used, DXM_NR_ACC) {
		a = &dc->acc.slot[i];
		if (READ_ONCE(a->mapped) && READ_ONCE(a->page) < end &&
		    READ_ONCE(a->page) + READ_ONCE(a->nr) > first)
			dxm_acc_see_fault(dc, i);
	}
}

/*
 * A hand-out of the current task is coming: when its probe window holds
 * neither its slot nor a free one, look which mapping hand-outs there
 * are over, so that dxm_note_handout() may take one of their slots.
 */
void dxm_acc_make_room(struct dxm_c *dc, bool mapped)
{
	unsigned int h = hash_ptr(current, DXM_ACC_BITS) ^ mapped, i;
	struct dxm_accessor *a;
	struct task_struct *t;

	for (i = 0; i < DXM_ACC_PROBE; i++) {
		a = &dc->acc.slot[(h + i) % DXM_NR_ACC];
		t = READ_ONCE(a->task);
		if (!t || (t == current && READ_ONCE(a->mapped) == mapped))
			return;
	}
	for (i = 0; i < DXM_ACC_PROBE; i++)
		dxm_acc_see_fault(dc, (h + i) % DXM_NR_ACC);
}

/*
 * A flush of pages [first, end) starts: the latest hand-outs in that span
 * are copied again.  @flusher is the task that submitted the flush, when
 * it runs in that task's context.  Returns with dc->warm.flush_gen odd until
 * dxm_acc_flush_end().
 */
void dxm_acc_flush_begin(struct dxm_c *dc, unsigned long first,
			 unsigned long end, struct task_struct *flusher)
{
	struct dxm_accessor *a;
	unsigned long now = jiffies ?: 1;
	unsigned int i;

	lockdep_assert_held(&dc->lock);
	dc->warm.flush_gen++;
	for_each_set_bit(i, dc->acc.used, DXM_NR_ACC) {
		a = &dc->acc.slot[i];
		if (a->page >= end || a->page + a->nr <= first)
			continue;
		dxm_acc_set_hot(dc, a);
		if (dxm_acc_done(a, flusher))
			dxm_acc_free(dc, a);	/* this copy is its last */
		else if (!a->copied)
			a->copied = now;
	}
}

void dxm_acc_flush_end(struct dxm_c *dc)
{
	lockdep_assert_held(&dc->lock);
	dc->warm.flush_gen++;
}

/*
 * Whether a task's latest hand-out overlaps pages [first, end).  Callers
 * without dc->lock get an answer that may be stale, as for the bitmaps.
 */
bool dxm_acc_overlaps(struct dxm_c *dc, unsigned long first,
		      unsigned long end)
{
	struct dxm_accessor *a;
	unsigned long page;

	for (a = dc->acc.slot; a < dc->acc.slot + DXM_NR_ACC; a++) {
		if (!READ_ONCE(a->task))
			continue;
		page = READ_ONCE(a->page);
		if (page < end && page + READ_ONCE(a->nr) > first)
			return true;
	}
	return false;
}

bool dxm_acc_any(struct dxm_c *dc)
{
	return dxm_acc_overlaps(dc, 0, ULONG_MAX);
}

/*
 * Whether DAX stores to region @r may not be on both legs: hot or cooling
 * pages (the region's warm bit), or a hand-out that may be in flight.
 */
bool dxm_region_unsettled(struct dxm_c *dc, unsigned long r)
{
	unsigned long first = r << dc->pages_shift;

	return test_bit(r, dc->warm.map) ||
	       dxm_acc_overlaps(dc, first, first + (1UL << dc->pages_shift));
}

/* The same for one page (dc->lock held: the page state is freed). */
bool dxm_page_unsettled(struct dxm_c *dc, unsigned long page)
{
	lockdep_assert_held(&dc->lock);
	return dxm_pb_test(dc, DXM_PB_HOT, page) ||
	       dxm_pb_test(dc, DXM_PB_COOLING, page) ||
	       dxm_acc_overlaps(dc, page, page + 1);
}
