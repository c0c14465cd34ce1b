// SPDX-License-Identifier: GPL-2.0
/*
 * Removing user mappings of the primary leg's pages.
 *
 * Each fsdax page records the file it belongs to (set when a fault maps
 * it; per page up to 6.14, in its folio since: dxm_dax_page_file()) and
 * its index there, so the target can unmap it from every process without
 * knowing the file: the next access faults and calls direct_access()
 * again.
 *
 * The flush path only needs to unmap pages that may be mapped *writable*
 * (a read-only mapping cannot change the data; a store to it faults and
 * hands the page out again).  The kernel keeps that fact in the file's
 * page cache: a write fault sets the dirty tag on the DAX entry before
 * it installs a writable entry (dax_insert_entry(), and
 * dax_insert_pfn_mkwrite() for MAP_SYNC), and writeback clears the tag
 * only after it has write-protected every mapping of the entry
 * (dax_writeback_one()).  So a clean entry has no writable mapping; a
 * fault that is installing one has called direct_access() already, and
 * inflight.c copies that hand-out again at the next flushes.  Kernels
 * before 6.2 also tag entries dirty on read faults; there a dirty entry
 * is checked in the page tables of its mappings (dxm_mapped_writable()).
 */
#include <linux/fs.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/version.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/dax.h>
#include <linux/xarray.h>
#include "daxmirror.h"

/*
 * The zap never drops the last reference of an inode itself: it runs in
 * the map function (the fast flush: bios submitted there are issued only
 * when it returns), under a region copy or under sync_mutex, and an
 * eviction can wait for I/O through this mirror (ext4 reads its inode
 * bitmap to free an unlinked inode).  The reference is taken with a node
 * allocated beforehand; when it turns out to be the last one the node
 * carries it to a work item that drops it outside every target lock.
 */
struct dxm_iput {
	struct llist_node node;
	struct inode *inode;
};

void dxm_iput_work(struct work_struct *work)
{
	struct dxm_c *dc = container_of(work, struct dxm_c, forget.iput_work);
	struct llist_node *list = llist_del_all(&dc->forget.iputs);
	struct dxm_iput *d, *t;

	llist_for_each_entry_safe(d, t, list, node) {
		iput(d->inode);
		kfree(d);
	}
}

static void dxm_put_inode(struct dxm_c *dc, struct dxm_iput *d)
{
	if (atomic_add_unless(&d->inode->i_count, -1, 1)) {
		kfree(d);
		return;
	}
	llist_add(&d->node, &dc->forget.iputs);
	queue_work(dxm_unbound_wq, &dc->forget.iput_work);
}

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/*
 * Whether any process maps page @index of @mapping writable, read from
 * the page tables of the file's shared mappings (before 6.2 a read fault
 * tags the DAX entry dirty too, so the tag cannot tell).  Called with
 * i_mmap_rwsem held for reading: a mapping in the file's interval tree
 * keeps its page tables (munmap removes it from the tree before it frees
 * them, under the lock held for writing).  An entry read without its
 * page table lock may be changing; one that is becoming writable belongs
 * to a write fault, which has called direct_access() and made the page
 * hot again (or is in flight, inflight.c), as with the dirty tag.
 */
static bool dxm_addr_writable(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud, pudv;
	pmd_t *pmd, pmdv;
	pte_t *pte, ptev;

	if (pgd_none(READ_ONCE(*pgd)))
		return false;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)))
		return false;
	pud = pud_offset(p4d, addr);
	pudv = READ_ONCE(*pud);
	if (pud_none(pudv))
		return false;
	if (pud_leaf(pudv) || pud_devmap(pudv))
		return pud_write(pudv);
	pmd = pmd_offset(pud, addr);
	pmdv = READ_ONCE(*pmd);
	if (pmd_none(pmdv))
		return false;
	if (pmd_leaf(pmdv) || pmd_devmap(pmdv))
		return pmd_write(pmdv);
	if (pmd_bad(pmdv))
		return true;	/* cannot tell: as if writable */
	pte = pte_offset_map(&pmdv, addr);
	ptev = ptep_get(pte);
	pte_unmap(pte);
	return pte_present(ptev) && pte_write(ptev);
}

/*
 * The file's mappings: every node of its i_mmap tree (the interval tree
 * helpers are not exported; the tree is an rbtree of the mappings'
 * shared.rb nodes, walked in order with the exported rb_next()).
 */
static bool dxm_mapped_writable(struct address_space *mapping, pgoff_t index)
{
	struct vm_area_struct *vma;
	bool writable = false;
	struct rb_node *n;

	i_mmap_lock_read(mapping);
	for (n = rb_first_cached(&mapping->i_mmap); n && !writable;
	     n = rb_next(n)) {
		vma = rb_entry(n, struct vm_area_struct, shared.rb);
		if (index < vma->vm_pgoff ||
		    index - vma->vm_pgoff >= vma_pages(vma))
			continue;
		if (!(vma->vm_flags & VM_SHARED))
			continue;	/* private: its stores never reach us */
		writable = dxm_addr_writable(vma->vm_mm, vma->vm_start +
				((index - vma->vm_pgoff) << PAGE_SHIFT));
	}
	i_mmap_unlock_read(mapping);
	return writable;
}
#else
static bool dxm_mapped_writable(struct address_space *mapping, pgoff_t index)
{
	return true;	/* the entry's dirty tag already said so */
}
#endif

/* What may remain of a page's mappings after dxm_zap_one(). */
enum {
	DXM_ZAP_GONE,		/* no mapping remains */
	DXM_ZAP_READONLY,	/* read-only mappings may remain */
	DXM_ZAP_UNKNOWN,	/* its mappings cannot be known */
};

/*
 * Unmap one fsdax page, or with @writable_only only if it may be mapped
 * writable.  Unknown: a reflinked page shared by several files, or no
 * memory for the node that may carry the inode reference (inside the map
 * function, which cannot wait for memory: the page stays hot).
 */
static int dxm_zap_one(struct dxm_c *dc, struct page *page,
		       bool writable_only)
{
	struct address_space *mapping, *now;
	struct dxm_iput *d = NULL;
	pgoff_t index, now_index;
	int tries = 0;

again:
	rcu_read_lock();
	if (dxm_dax_page_file(page, &mapping, &index)) {
		/* shared (reflinked) DAX page, or its folio kept changing */
		rcu_read_unlock();
		if (++tries < 3)
			goto again;
		kfree(d);
		return DXM_ZAP_UNKNOWN;
	}
	if (!mapping) {
		rcu_read_unlock();
		kfree(d);
		return DXM_ZAP_GONE;	/* not mapped by any file */
	}
	/* inodes are freed after a grace period: i_pages is safe to read */
	if (writable_only &&
	    !xa_get_mark(&mapping->i_pages, index, PAGECACHE_TAG_DIRTY)) {
		rcu_read_unlock();
		kfree(d);
		return DXM_ZAP_READONLY;
	}
	if (!d)
		d = kmalloc(sizeof(*d), GFP_NOWAIT | __GFP_NOWARN);
	if (!d) {
		rcu_read_unlock();
		if (current->bio_list)
			return DXM_ZAP_UNKNOWN;
		d = kmalloc(sizeof(*d), GFP_NOIO);
		if (!d)
			return DXM_ZAP_UNKNOWN;
		goto again;
	}
	d->inode = igrab(mapping->host);
	rcu_read_unlock();
	if (!d->inode) {
		kfree(d);
		return DXM_ZAP_GONE;	/* being evicted: no mapping remains */
	}
	if (!dxm_dax_page_file(page, &now, &now_index) &&
	    now == d->inode->i_mapping) {
		if (writable_only && !dxm_mapped_writable(now, now_index)) {
			dxm_put_inode(dc, d);
			return DXM_ZAP_READONLY;
		}
		unmap_mapping_pages(now, now_index, 1, false);
	}
	dxm_put_inode(dc, d);
	return DXM_ZAP_GONE;
}

/*
 * Unmap @pages pages of a leg from @leg_sector (see dxm_zap_one()).  Bit
 * @bit + i of @kept (if given) is set for each page i that may still be
 * mapped.  Poisoned pages are looked up one by one in recovery mode,
 * which gives their address where normal access refuses.  False when
 * some page's mappings cannot be known.
 */
static bool dxm_zap_run(struct dxm_c *dc, int leg, sector_t leg_sector,
			long pages, bool writable_only, unsigned long *kept,
			unsigned int bit)
{
	struct dax_device *dax_dev = dc->legs[leg].dev->dax_dev;
	pgoff_t pgoff = dxm_leg_pgoff(dc, leg, leg_sector);
	bool ok = true, one = false;
	struct page *page;
	void *kaddr;
	dxm_pfn_t pfn;
	long i, n;
	int id, z;

	id = dax_read_lock();
	n = dax_direct_access(dax_dev, pgoff, pages, DAX_ACCESS, &kaddr, &pfn);
	for (i = 0; i < pages; i++) {
		if (n < pages) {
			/* some page is poisoned: take them one at a time */
			one = dax_direct_access(dax_dev, pgoff + i, 1,
						DAX_RECOVERY_WRITE, &kaddr,
						&pfn) >= 1;
		}
		page = n >= pages || one ?
			dxm_pfn_page(pfn, n >= pages ? i : 0) : NULL;
		if (page)
			z = dxm_zap_one(dc, page, writable_only);
		else
			z = DXM_ZAP_UNKNOWN;	/* cannot see the page */
		if (z == DXM_ZAP_UNKNOWN)
			ok = false;
		if (z != DXM_ZAP_GONE && kept)
			__set_bit(bit + i, kept);
	}
	dax_read_unlock(id);
	return ok;
}

/*
 * Whether the fault that data page @page was handed out to is over
 * (inflight.c).  A DAX fault locks its file's entry before it calls
 * direct_access() and unlocks it once the page table entry is in place
 * (or the fault failed); the file names the page (its mapping and index)
 * from dax_insert_entry() on, under that lock, and a write fault tags
 * the entry dirty there.  So a page that a file names under an unlocked
 * dirty entry has no fault pending.  An unlocked clean entry is a read
 * fault or a write fault written back since, or a MAP_SYNC write fault
 * between its fsync and its page table entry (only then tagged dirty):
 * over only with @clean_ok.  False whenever unsure: a page no file names
 * (the fault has not reached dax_insert_entry(), or the file let it go),
 * a locked entry, a page whose file cannot be read.  fs/dax.c keeps the
 * lock in bit 0 of the entry's value (DAX_LOCKED; the same from 4.17 to
 * 7.3).  Called without dc->lock: the direct_access() of a leg that is a
 * device-mapper device may sleep (inflight.c records what it sees).
 */
#define DXM_DAX_ENTRY_LOCKED	1UL

bool dxm_fault_over(struct dxm_c *dc, unsigned long page, bool clean_ok)
{
	int leg = dxm_primary(dc), id;
	struct address_space *mapping;
	struct dax_device *dax_dev;
	struct page *pg = NULL;
	pgoff_t pgoff, index;
	bool over = false;
	dxm_pfn_t pfn;
	void *kaddr, *entry;

	if (leg < 0 || !dc->dax)
		return false;
	dax_dev = dc->legs[leg].dev->dax_dev;
	pgoff = dxm_leg_pgoff(dc, leg,
			      dxm_leg_sector(dc, leg, dxm_pages_to_sect(page)));
	id = dax_read_lock();
	if (dax_direct_access(dax_dev, pgoff, 1, DAX_ACCESS, &kaddr,
			      &pfn) >= 1 ||
	    dax_direct_access(dax_dev, pgoff, 1, DAX_RECOVERY_WRITE, &kaddr,
			      &pfn) >= 1)
		pg = dxm_pfn_page(pfn, 0);
	rcu_read_lock();
	if (pg && !dxm_dax_page_file(pg, &mapping, &index) && mapping) {
		entry = xa_load(&mapping->i_pages, index);
		over = xa_is_value(entry) &&
		       !(xa_to_value(entry) & DXM_DAX_ENTRY_LOCKED) &&
		       (clean_ok || xa_get_mark(&mapping->i_pages, index,
						PAGECACHE_TAG_DIRTY));
	}
	rcu_read_unlock();
	dax_read_unlock(id);
	return over;
}

/* Unmap one page at @leg_sector of a leg, whatever its mappings. */
void dxm_zap_page(struct dxm_c *dc, int leg, sector_t leg_sector)
{
	dxm_zap_run(dc, leg, leg_sector, 1, false, NULL, 0);
}

/*
 * Unmap those of @pages pages from @leg_sector that may be mapped
 * writable (before a flush copies them); bit @bit + i of @kept is set
 * for each page i that may still be mapped (read-only, or unknown).
 * False when a page's mappings cannot be known: it must stay hot.
 */
bool dxm_zap_writable(struct dxm_c *dc, int leg, sector_t leg_sector,
		      long pages, unsigned long *kept, unsigned int bit)
{
	return dxm_zap_run(dc, leg, leg_sector, pages, true, kept, bit);
}
