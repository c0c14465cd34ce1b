// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: calls a block device's DAX operations the way a
 * filesystem would, for the paths ext4 and xfs reach only in corner
 * cases (with 4 KiB blocks they zero whole pages through bios, and
 * dax_zero_page_range() only for written blocks past EOF).
 *
 *   insmod dxm-daxcall.ko dev=MAJOR:MINOR
 *   echo "PGOFF NR DELAY_US [STRIDE]" > /sys/module/dxm_daxcall/parameters/zero
 *
 * zeroes pages PGOFF .. PGOFF+NR-1 of the device, one
 * dax_zero_page_range() call per page, sleeping DELAY_US between calls,
 * in the order PGOFF + (i * STRIDE) % NR (STRIDE coprime with NR visits
 * each page once, scattered; default 1); the write returns when all are
 * done, or at the first error.
 */
#include <linux/blkdev.h>
#include <linux/dax.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include "daxcall_probe.h"

static char *dev;
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "MAJOR:MINOR of the block device (required)");

#ifdef DXM_T_BDEV_FILE
static struct file *t_file;
#else
static struct block_device *t_bdev;
#endif
static struct dax_device *t_dax;

static int t_open(dev_t devt)
{
	struct block_device *bdev;
	u64 start;

#ifdef DXM_T_BDEV_FILE
	t_file = bdev_file_open_by_dev(devt, BLK_OPEN_READ, NULL, NULL);
	if (IS_ERR(t_file))
		return PTR_ERR(t_file);
	bdev = file_bdev(t_file);
#else
	t_bdev = blkdev_get_by_dev(devt, FMODE_READ, NULL);
	if (IS_ERR(t_bdev))
		return PTR_ERR(t_bdev);
	bdev = t_bdev;
#endif
	t_dax = fs_dax_get_by_bdev(bdev, &start, NULL, NULL);
	return t_dax ? 0 : -EOPNOTSUPP;
}

static void t_close(void)
{
	if (t_dax)
		fs_put_dax(t_dax, NULL);
	t_dax = NULL;
#ifdef DXM_T_BDEV_FILE
	if (!IS_ERR_OR_NULL(t_file))
		fput(t_file);
	t_file = NULL;
#else
	if (!IS_ERR_OR_NULL(t_bdev))
		blkdev_put(t_bdev, FMODE_READ);
	t_bdev = NULL;
#endif
}

static int t_zero(const char *val, const struct kernel_param *kp)
{
	unsigned long pgoff, nr, delay, stride = 1, i;
	int id, r = 0;

	if (sscanf(val, "%lu %lu %lu %lu", &pgoff, &nr, &delay, &stride) < 3 ||
	    !nr || !stride)
		return -EINVAL;
	for (i = 0; i < nr && !r; i++) {
		id = dax_read_lock();
		r = dax_zero_page_range(t_dax, pgoff + (i * stride) % nr, 1);
		dax_read_unlock(id);
		if (delay)
			usleep_range(delay, delay + 1);
		if (fatal_signal_pending(current))
			r = -EINTR;
	}
	return r;
}

static const struct kernel_param_ops t_zero_ops = {
	.set = t_zero,
};
module_param_cb(zero, &t_zero_ops, NULL, 0200);
MODULE_PARM_DESC(zero, "write \"PGOFF NR DELAY_US [STRIDE]\": zero NR pages");

static int __init t_init(void)
{
	unsigned int major, minor;
	int r;

	if (!dev || sscanf(dev, "%u:%u", &major, &minor) != 2)
		return -EINVAL;
	r = t_open(MKDEV(major, minor));
	if (r)
		t_close();
	return r;
}

static void __exit t_exit(void)
{
	t_close();
}

module_init(t_init);
module_exit(t_exit);
MODULE_DESCRIPTION("daxmirror tests: DAX operations called as a filesystem would");
MODULE_LICENSE("GPL");
