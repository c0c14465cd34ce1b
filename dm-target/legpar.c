// SPDX-License-Identifier: GPL-2.0
/*
 * Writing the two legs from two CPUs (issue 20).
 *
 * A pmem leg copies a write in the context that submits it, so the two
 * clones of a write issued from the map function are copied one after
 * the other on one CPU: a large write costs two copy times.  Writes are
 * split at 1 MiB boundaries (io.c); each piece of a write with at least
 * parallel_min_kb (module parameter) left from that piece on hands its
 * second clone to a per-mirror list that a work item drains on another
 * online CPU (a bound, high-priority workqueue: queue_work_on() puts it
 * there, where an unbound pool may run it on the submitter's CPU).  One
 * work item serves the whole list, so the pieces of a large write pay a
 * wake-up only when the worker ran dry, and the list keeps them in
 * submission order.  The submitter meanwhile copies the first clone and
 * maps the next piece.  Completion is unchanged: a piece completes when
 * both clones did (io.c).
 *
 * Only while one task writes: when another task submitted a write piece
 * within the last two jiffies, the other CPUs are busy with writers of
 * their own and a worker would only take CPU time from them (measured
 * with two writers: docs/performance.md).  And only for large writes: a
 * wake-up costs about what copying a few 64 KiB pieces does under QEMU's
 * emulation, so smaller writes lost by it.
 *
 * The worker only submits bios (a pmem leg copies and completes them
 * right there; a leg that is a device-mapper device passes them on), so
 * it never waits for memory or for another write: WQ_MEM_RECLAIM gives
 * it a rescuer for writes made under memory pressure.  Suspension waits
 * for every original bio, hence for every clone on the list.
 */
#include <linux/bio.h>
#include <linux/cpumask.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>
#include "daxmirror.h"

static unsigned int parallel_min_kb = 512;
module_param(parallel_min_kb, uint, 0644);
MODULE_PARM_DESC(parallel_min_kb,
		 "Writes with at least this many KiB left write the legs from two CPUs (0: never)");

static void dxm_legpar_work(struct work_struct *work)
{
	struct dxm_legpar *lp = container_of(work, struct dxm_legpar, work);
	struct bio_list list;
	struct bio *bio;

	for (;;) {
		spin_lock_irq(&lp->lock);
		list = lp->bios;
		bio_list_init(&lp->bios);
		spin_unlock_irq(&lp->lock);
		if (bio_list_empty(&list))
			return;
		while ((bio = bio_list_pop(&list)))
			submit_bio_noacct(bio);
	}
}

int dxm_legpar_init(struct dxm_c *dc)
{
	struct dxm_legpar *lp = &dc->legpar;

	spin_lock_init(&lp->lock);
	bio_list_init(&lp->bios);
	INIT_WORK(&lp->work, dxm_legpar_work);
	lp->wq = alloc_workqueue("dxm_leg", WQ_MEM_RECLAIM | WQ_HIGHPRI |
				 DXM_WQ_PERCPU, 0);
	return lp->wq ? 0 : -ENOMEM;
}

void dxm_legpar_exit(struct dxm_c *dc)
{
	if (dc->legpar.wq)
		destroy_workqueue(dc->legpar.wq);	/* drains the list */
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
 * the write should have its second leg written from another CPU: not
 * when the write is too small, when another task wrote lately, when no
 * other CPU is online, or before dxm_legpar_init().
 */
bool dxm_legpar_wanted(struct dxm_c *dc, unsigned int left)
{
	struct dxm_legpar *lp = &dc->legpar;
	unsigned int kb = READ_ONCE(parallel_min_kb);

	return kb && left >= kb * 1024U && lp->wq && num_online_cpus() > 1 &&
	       dxm_legpar_alone(lp);
}

/*
 * Submit @clone, a second leg's clone of a write piece, from another CPU;
 * false (nothing done) when no other CPU is online.
 */
bool dxm_legpar_submit(struct dxm_c *dc, struct bio *clone)
{
	struct dxm_legpar *lp = &dc->legpar;
	unsigned long flags;
	int cpu, other;

	cpu = get_cpu();
	other = cpumask_next(cpu, cpu_online_mask);
	if (other >= nr_cpu_ids)
		other = cpumask_first(cpu_online_mask);
	if (other == cpu || other >= nr_cpu_ids) {
		put_cpu();
		return false;
	}
	spin_lock_irqsave(&lp->lock, flags);
	bio_list_add(&lp->bios, clone);
	spin_unlock_irqrestore(&lp->lock, flags);
	queue_work_on(other, lp->wq, &lp->work);
	put_cpu();
	return true;
}
