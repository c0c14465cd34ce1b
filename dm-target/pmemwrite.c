// SPDX-License-Identifier: GPL-2.0
/*
 * Bio writes copied straight into pmem legs (issue 20).
 *
 * A write sent to a pmem leg as a bio is copied by the pmem driver into
 * the leg's memory (memcpy_flushcache), in the context that submits it.
 * Cloning the bio, submitting it through the block layer and completing
 * it is a cost per leg on top of the copy (measured: docs/performance.md).
 * So where a leg is a pmem namespace whose cache flush is only a fence
 * (dxm_leg_flush_is_fence()), the write is copied into the leg's DAX
 * mapping here, with what its driver would do:
 *
 * - a range the leg lists as bad (badblocks) is left to the driver, which
 *   clears the poison before it writes: such a leg gets a clone;
 * - memcpy_flushcache() makes the stores durable at the next fence, and a
 *   REQ_FUA write fences before it completes (the driver's
 *   nvdimm_flush() of such a region is that fence).
 *
 * A leg that is not such a namespace (a device-mapper device, virtio-pmem,
 * a disk) gets a clone, as does a leg whose DAX device does not give the
 * whole range.  The module parameter direct_write turns this off (every
 * leg gets a clone).
 */
#include <linux/bio.h>
#include <linux/dax.h>
#include <linux/highmem.h>
#include <linux/libnvdimm.h>
#include <linux/moduleparam.h>
#include <linux/uaccess.h>
#include "daxmirror.h"

static bool direct_write = true;
module_param(direct_write, bool, 0644);
MODULE_PARM_DESC(direct_write,
		 "Copy bio writes straight into pmem legs (0: through the legs' block devices)");

/*
 * The kernel address of a write's range on @leg (the range is one
 * translation run: io.c splits writes where a page is remapped), or NULL
 * when the leg must get a clone.  Under dax_read_lock().
 */
void *dxm_write_kaddr(struct dxm_c *dc, int leg, sector_t sector,
		      unsigned int bytes)
{
	struct dxm_leg *l = &dc->legs[leg];
	sector_t ls, nr = bytes >> SECTOR_SHIFT;
	unsigned int off;
	long pages;
	void *kaddr;

	if (!READ_ONCE(direct_write) || !l->flush_is_fence ||
	    !l->dev->dax_dev || dxm_leg_has_badblocks(dc, leg, sector, nr))
		return NULL;
	ls = get_start_sect(l->dev->bdev) + dxm_leg_sector(dc, leg, sector);
	off = (ls & (DXM_PAGE_SECTORS - 1)) << SECTOR_SHIFT;
	pages = DIV_ROUND_UP(off + bytes, PAGE_SIZE);
	if (dax_direct_access(l->dev->dax_dev, ls >> DXM_PAGE_SECTORS_SHIFT,
			      pages, DAX_ACCESS, &kaddr, NULL) < pages)
		return NULL;
	return kaddr + off;
}

/* Copy the data of a write (its range @it) to @dst, durable at a fence. */
void dxm_write_copy(struct bio *bio, struct bvec_iter it, void *dst)
{
	struct bvec_iter iter;
	struct bio_vec bv;

	__bio_for_each_segment(bv, bio, iter, it) {
		void *src = bvec_kmap_local(&bv);

		memcpy_flushcache(dst, src, bv.bv_len);
		kunmap_local(src);
		dst += bv.bv_len;
	}
}
