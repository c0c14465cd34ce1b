// SPDX-License-Identifier: GPL-2.0
/*
 * Writing the two legs from two CPUs (issue 20).
 *
 * A write is copied into the legs in the context that submits it (the
 * direct copy of pmemwrite.c, or a pmem leg's driver for a clone), so the
 * two copies of a write are made one after the other on one CPU: a large
 * write costs two copy times.  Writes are split at 1 MiB boundaries
 * (io.c); a piece of a write with at least parallel_min_kb (module
 * parameter) left from that piece on is shared with a worker on another
 * online CPU (a bound, high-priority workqueue: queue_work_on() puts it
 * there, where an unbound pool may run it on the submitter's CPU):
 *
 * - when every live leg takes the direct copy, the piece is cut into
 *   64 KiB chunks per leg that the submitter and the worker claim one at
 *   a time (dxm_legpar_copy()): the piece costs about one copy time when
 *   the worker comes at once, and never more than two when it comes late
 *   (the submitter takes every chunk it has not claimed yet, and takes the
 *   piece back from the list if it never came);
 * - otherwise the last leg's clone is submitted by the worker
 *   (dxm_legpar_submit()) while the submitter copies the others.
 *
 * One work item serves both lists; it is woken only when it is not
 * running already.  Under QEMU's emulation waking a sleeping CPU can take
 * a timer tick (4 ms), which is why the shared copy beats handing a whole
 * clone over (measured: docs/performance.md); having the worker wait for
 * the next piece instead of sleeping made it slower there.
 *
 * Only while one task writes: when another task submitted a write piece
 * within the last two jiffies, the other CPUs are busy with writers of
 * their own and a worker would only take CPU time from them (measured
 * with two writers: docs/performance.md).  And only for large writes: a
 * wake-up costs about what copying a few 64 KiB pieces does under QEMU's
 * emulation, so smaller writes lost by it.
 *
 * The worker never waits for memory or for another write (it copies, or
 * submits bios that a pmem leg copies and completes right there and a
 * device-mapper leg passes on): WQ_MEM_RECLAIM gives it a rescuer for
 * writes made under memory pressure.  Suspension waits for every
 * original bio, hence for every item on the lists.
 */
#include <linux/bio.h>
#include <linux/cpumask.h>
#include <linux/dax.h>
#include <linux/libnvdimm.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>
#include "daxmirror.h"

static unsigned int parallel_min_kb = 512;
module_param(parallel_min_kb, uint, 0644);
MODULE_PARM_DESC(parallel_min_kb,
		 "Writes with at least this many KiB left write the legs from two CPUs (0: never)");

/* Copy chunk @i of @c (chunks alternate between the legs). */
static void dxm_legcopy_chunk(struct dxm_legcopy *c, unsigned int i)
{
	unsigned int j = i % c->nr_dst;
	unsigned int off = (i / c->nr_dst) * DXM_LEGCOPY_CHUNK;
	struct bvec_iter it = c->iter;

	bio_advance_iter(c->bio, &it, off);
	it.bi_size = min_t(unsigned int, it.bi_size, DXM_LEGCOPY_CHUNK);
	dxm_write_copy(c->bio, it, c->dst[j] + off);
}

/*
 * Copy chunks of @c until none is left to claim, and fence them.  @check:
 * the worker's part, which checks that each leg's DAX device is still
 * alive (the submitter's read lock, under which the addresses were found,
 * may be gone; a leg gone meanwhile counts as a failed write to it).
 */
static void dxm_legcopy_chunks(struct dxm_c *dc, struct dxm_legcopy *c,
			       bool check)
{
	unsigned int i, j, n = c->nr_dst * c->chunks;
	unsigned long dead = 0;
	int id = 0;

	if (check) {
		id = dax_read_lock();
		for (j = 0; j < c->nr_dst; j++)
			if (!dax_alive(dc->legs[c->leg[j]].dev->dax_dev))
				dead |= BIT(j);
	}
	while ((i = atomic_inc_return(&c->next) - 1) < n) {
		j = i % c->nr_dst;
		if (dead & BIT(j))
			set_bit(c->leg[j], &c->err);
		else
			dxm_legcopy_chunk(c, i);
	}
	pmem_wmb();	/* this CPU's copies are durable before completion */
	if (check)
		dax_read_unlock(id);
}

/* @nr copiers are done with @c: the last one completes the piece. */
static void dxm_legcopy_leave(struct dxm_legcopy *c, int nr)
{
	if (atomic_sub_and_test(nr, &c->parties))
		c->done(c->bio, READ_ONCE(c->err));
}

/* Submit the listed clones and join the listed copies until none is left. */
static void dxm_legpar_work(struct work_struct *work)
{
	struct dxm_legpar *lp = container_of(work, struct dxm_legpar, work);
	struct dxm_c *dc = container_of(lp, struct dxm_c, legpar);
	struct dxm_legcopy *c;
	struct bio_list list;
	struct bio *bio;

	for (;;) {
		spin_lock_irq(&lp->lock);
		list = lp->bios;
		bio_list_init(&lp->bios);
		c = list_first_entry_or_null(&lp->copies, struct dxm_legcopy,
					     node);
		if (c)
			list_del_init(&c->node);	/* the worker's part now */
		else if (bio_list_empty(&list))
			lp->active = false;
		spin_unlock_irq(&lp->lock);
		if (!c && bio_list_empty(&list))
			return;
		while ((bio = bio_list_pop(&list)))
			submit_bio_noacct(bio);
		if (c) {
			dxm_legcopy_chunks(dc, c, true);
			dxm_legcopy_leave(c, 1);
		}
	}
}

int dxm_legpar_init(struct dxm_c *dc)
{
	struct dxm_legpar *lp = &dc->legpar;

	spin_lock_init(&lp->lock);
	bio_list_init(&lp->bios);
	INIT_LIST_HEAD(&lp->copies);
	lp->active = false;
	INIT_WORK(&lp->work, dxm_legpar_work);
	lp->wq = alloc_workqueue("dxm_leg", WQ_MEM_RECLAIM | WQ_HIGHPRI |
				 DXM_WQ_PERCPU, 0);
	return lp->wq ? 0 : -ENOMEM;
}

void dxm_legpar_exit(struct dxm_c *dc)
{
	if (dc->legpar.wq)
		destroy_workqueue(dc->legpar.wq);	/* drains the lists */
	dc->legpar.wq = NULL;
}

/* Whether the current task is the only one writing lately. */
static bool dxm_legpar_alone(struct dxm_legpar *lp)
{
	unsigned long now = jiffies;

	if (READ_ONCE(lp->writer) == current)
		return time_after(now, READ_ONCE(lp->writer_seen) + 2);
	WRITE_ONCE(lp->writer, current);
	WRITE_ONCE(lp->writer_seen, now);
	return false;
}

/*
 * Whether a write piece with @left bytes from that piece to the end of
 * the write should have its legs written from two CPUs: not when the
 * write is too small, when another task wrote lately, when no other CPU
 * is online, or before dxm_legpar_init().
 */
bool dxm_legpar_wanted(struct dxm_c *dc, unsigned int left)
{
	struct dxm_legpar *lp = &dc->legpar;
	unsigned int kb = READ_ONCE(parallel_min_kb);

	return kb && left >= kb * 1024U && lp->wq && num_online_cpus() > 1 &&
	       dxm_legpar_alone(lp);
}

/*
 * Put an item on a list of the worker with @add (under lp->lock) and wake
 * the worker on another CPU unless it is awake; false (nothing done) when
 * no other CPU is online.
 */
static bool dxm_legpar_hand(struct dxm_legpar *lp,
			    void (*add)(struct dxm_legpar *lp, void *item),
			    void *item)
{
	unsigned long flags;
	int cpu, other;
	bool wake;

	cpu = get_cpu();
	other = cpumask_next(cpu, cpu_online_mask);
	if (other >= nr_cpu_ids)
		other = cpumask_first(cpu_online_mask);
	if (other == cpu || other >= nr_cpu_ids) {
		put_cpu();
		return false;
	}
	spin_lock_irqsave(&lp->lock, flags);
	add(lp, item);
	wake = !lp->active;
	lp->active = true;
	spin_unlock_irqrestore(&lp->lock, flags);
	if (wake)
		queue_work_on(other, lp->wq, &lp->work);
	put_cpu();
	return true;
}

static void dxm_legpar_add_bio(struct dxm_legpar *lp, void *clone)
{
	bio_list_add(&lp->bios, clone);
}

/*
 * Submit @clone, a second leg's clone of a write piece, from another CPU;
 * false (nothing done) when no other CPU is online.
 */
bool dxm_legpar_submit(struct dxm_c *dc, struct bio *clone)
{
	return dxm_legpar_hand(&dc->legpar, dxm_legpar_add_bio, clone);
}

static void dxm_legpar_add_copy(struct dxm_legpar *lp, void *c)
{
	list_add_tail(&((struct dxm_legcopy *)c)->node, &lp->copies);
}

/*
 * Copy the piece @c describes (bio, iter, dst, leg, nr_dst and done set,
 * the addresses found under the caller's dax_read_lock(), which it holds)
 * into every leg together with the worker.  @c->done runs once every
 * chunk is copied, here or in the worker; false (nothing done) when no
 * other CPU is online.
 */
bool dxm_legpar_copy(struct dxm_c *dc, struct dxm_legcopy *c)
{
	struct dxm_legpar *lp = &dc->legpar;
	bool taken;

	c->chunks = DIV_ROUND_UP(c->iter.bi_size, DXM_LEGCOPY_CHUNK);
	c->err = 0;
	atomic_set(&c->next, 0);
	atomic_set(&c->parties, 2);
	if (!dxm_legpar_hand(lp, dxm_legpar_add_copy, c))
		return false;
	dxm_legcopy_chunks(dc, c, false);
	/* not taken by the worker yet: it must not come to it any more */
	spin_lock_irq(&lp->lock);
	taken = list_empty(&c->node);
	if (!taken)
		list_del_init(&c->node);
	spin_unlock_irq(&lp->lock);
	dxm_legcopy_leave(c, taken ? 1 : 2);
	return true;
}
