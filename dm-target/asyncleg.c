// SPDX-License-Identifier: GPL-2.0
/*
 * Asynchronous legs and MAP_SYNC.
 *
 * A MAP_SYNC mapping promises that a store flushed from the CPU cache is
 * durable.  On an asynchronous DAX device (virtio-pmem) it is not until a
 * flush request has reached the host, so the kernel refuses MAP_SYNC
 * there: a filesystem asks dax_synchronous() of its DAX device.  Device
 * mapper marks its own DAX device synchronous when every device of the
 * table is, and never clears the mark.  The mark also outlives the DAX
 * device itself: struct dax_device comes from a slab cache whose
 * constructor zeroes an object only when the slab page is made, so a
 * device allocated after a synchronous one was freed can start out
 * "synchronous" (seen on 6.12 and in 7.3's sources: dax_alloc_inode()
 * leaves the flags alone).  A mirror with an asynchronous leg would then
 * offer MAP_SYNC without the durability it promises.
 *
 * So a table with DAX and an asynchronous leg is refused when the
 * mirror's DAX device is marked synchronous: at load when a previous
 * table left the mark (the live table stays), at the first resume when
 * the device was born with it.  In the latter case the DAX device is
 * kept out of circulation (a reference held until the module unloads),
 * so that the next device-mapper device gets a clean one.
 */
#include <linux/dax.h>
#include <linux/mutex.h>
#include "daxmirror.h"

#define DXM_QUARANTINE	16

static DEFINE_MUTEX(dxm_quarantine_lock);
static struct dax_device *dxm_quarantine[DXM_QUARANTINE];

/* The first leg whose DAX device is asynchronous, or -1. */
static int dxm_async_leg(struct dxm_c *dc)
{
	int i;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dm_dev *dev = dc->legs[i].dev;

		if (dev && dev->dax_dev && !dax_synchronous(dev->dax_dev))
			return i;
	}
	return -1;
}

static void dxm_quarantine_add(struct dax_device *dax_dev)
{
	int i;

	mutex_lock(&dxm_quarantine_lock);
	for (i = 0; i < DXM_QUARANTINE; i++) {
		if (!dxm_quarantine[i]) {
			dxm_quarantine[i] = dax_dev;
			dax_dev = NULL;
			break;
		}
	}
	mutex_unlock(&dxm_quarantine_lock);
	if (dax_dev)
		fs_put_dax(dax_dev, NULL);	/* full: it goes back */
}

/*
 * 0, or -EINVAL with the reason in ti->error when the mirror would offer
 * MAP_SYNC over an asynchronous leg.  @first_resume: the device is not in
 * use yet and is about to be activated.
 */
int dxm_check_async_legs(struct dxm_c *dc, bool first_resume)
{
	struct dax_device *own;
	int leg;

	if (!dc->dax)
		return 0;
	leg = dxm_async_leg(dc);
	if (leg < 0)
		return 0;
	own = dxm_own_dax(dc);	/* none before a first table is bound */
	if (!own)
		return 0;
	if (!dax_synchronous(own)) {
		fs_put_dax(own, NULL);
		return 0;
	}
	dc->ti->error = "Asynchronous leg, DAX device marked synchronous: MAP_SYNC unsafe";
	DMERR("%s: leg %d is asynchronous (virtio-pmem), this DAX device is marked synchronous (%s): refused; use a new device or no_dax",
	      dxm_name(dc), leg, first_resume ?
	      "a reused DAX device kept the mark; it is set aside, try again" :
	      "a previous table set the mark, which is never cleared");
	if (first_resume)
		dxm_quarantine_add(own);
	else
		fs_put_dax(own, NULL);
	return -EINVAL;
}

void dxm_async_legs_exit(void)
{
	int i;

	for (i = 0; i < DXM_QUARANTINE; i++)
		if (dxm_quarantine[i])
			fs_put_dax(dxm_quarantine[i], NULL);
}
