// SPDX-License-Identifier: GPL-2.0
/*
 * Failover: the primary stops being the leg that DAX hands out.
 *
 * A graceful failover ("fail" message on the primary, a rebuild of it)
 * first brings the other leg up to date (dxm_failover_sync()).  Once the
 * primary is failed, every page of it that a process may still have
 * mapped is unmapped (dxm_failover_work(), on its own workqueue), so that
 * the next access faults in the new primary's page, and files forget the
 * old leg's pages (forget.c).
 */
#include <linux/delay.h>
#include <linux/mm.h>
#include "daxmirror.h"

/*
 * The primary is about to be failed while it still works ("fail" message):
 * regions still to be resynced are copied, and pages holding DAX stores
 * not yet on the other leg are unmapped (where writable) and copied,
 * twice: the second pass, a cooling period later, takes the pages a
 * fault or a write(2) chunk was between direct_access and its store
 * during the first.  The caller holds failover.sem for writing, so no
 * new page of the primary is handed out until it is failed; afterwards
 * direct_access hands out the other leg's pages, which hold everything.
 */
void dxm_failover_sync(struct dxm_c *dc)
{
	lockdep_assert_held_write(&dc->failover.sem);
	dxm_sync_hot(dc, 0, dc->nr_regions - 1, true);
	if (!dc->dax)
		goto out;
	msleep(DXM_COOL_MS + 10);
	dxm_sync_hot(dc, 0, dc->nr_regions - 1, false);
out:
	dxm_flush_legs(dc);
}

/* The next page from @p on that a process may have mapped, or nr_pages. */
static unsigned long dxm_next_mappable(struct dxm_c *dc, unsigned long p)
{
	unsigned long n;

	spin_lock_irq(&dc->lock);
	n = min3(dxm_pb_next(dc, DXM_PB_HOT, p, dc->nr_pages),
		 dxm_pb_next(dc, DXM_PB_COOLING, p, dc->nr_pages),
		 dxm_pb_next(dc, DXM_PB_MAPPED, p, dc->nr_pages));
	spin_unlock_irq(&dc->lock);
	return n;
}

/*
 * Remove every user mapping of leg @leg's data pages: each page a process
 * can have mapped is hot, cooling, a task's latest hand-out or set in
 * the mapped bitmap.  The bits stay (a hand-out of the new primary may
 * have set them meanwhile).  The caller holds sync_mutex.
 */
void dxm_unmap_all(struct dxm_c *dc, int leg)
{
	struct dxm_accessor a;
	unsigned long p;
	unsigned int i;

	lockdep_assert_held(&dc->sync_mutex);
	for (p = dxm_next_mappable(dc, 0); p < dc->nr_pages;
	     p = dxm_next_mappable(dc, p + 1)) {
		dxm_zap_page(dc, leg, dxm_leg_sector(dc, leg,
						     dxm_pages_to_sect(p)));
		cond_resched();
	}
	for (i = 0; i < DXM_NR_ACC; i++) {
		spin_lock_irq(&dc->lock);
		a = dc->acc.slot[i];
		spin_unlock_irq(&dc->lock);
		for (p = a.page; a.task && p < a.page + a.nr; p++)
			dxm_zap_page(dc, leg, dxm_leg_sector(dc, leg,
							     dxm_pages_to_sect(p)));
	}
}

/*
 * The primary failed (by itself, or by message after dxm_failover_sync):
 * direct_access hands out the other leg's pages from now on, but pages of
 * the failed leg may still be mapped by processes (every page that can
 * be is hot, cooling or a task's latest hand-out).  Each is unmapped, so
 * that the next access faults in the new primary's page instead of
 * storing to a dead leg.
 * Nothing is copied: the bits may by now stand for new hand-outs of the
 * new primary, which a copy from the failed leg would overwrite.  After
 * a graceful failover there is nothing left to copy; after a failure by
 * itself, DAX stores made since the last flush that only the failed leg
 * held are lost, as on a single device (documented).
 */
void dxm_failover_work(struct work_struct *work)
{
	struct dxm_c *dc = container_of(work, struct dxm_c, failover.work);
	int from = READ_ONCE(dc->failover.primary);
	unsigned int gen = READ_ONCE(dc->failover.gen);

	down_write(&dc->failover.sem);
	mutex_lock(&dc->sync_mutex);
	dxm_unmap_all(dc, from);
	mutex_unlock(&dc->sync_mutex);
	up_write(&dc->failover.sem);
	dxm_forget_leg(dc, from, gen);
}
