// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU copy from one leg's DAX mapping to the other's.
 *
 * The source may hold poison nobody has found yet, so every load from it
 * must be machine-check safe: a machine check raised by the load has to
 * end the copy with an error instead of taking the machine down.  The
 * destination is written with non-temporal stores, so the copy is durable
 * once fenced and does not fill the cache with lines that each need a
 * write-back.
 *
 * On x86-64 this is one pass: 8-byte loads, each with an exception-table
 * entry of the machine-check-safe type (the machine-check handler, and
 * the page-fault handler, resume a load that has one at its fixup label;
 * arch/x86/kernel/cpu/mce/severity.c classifies such an error as
 * recoverable in the kernel), and MOVNTI stores.  Elsewhere: a
 * copy_mc_to_kernel() into a DRAM bounce buffer, then memcpy_flushcache().
 *
 * Why not copy_mc_to_kernel() on x86-64 too: on CPUs with ERMS it is a
 * "rep movsb" into the bounce buffer, then a second pass writes the
 * destination: two passes over every page where this loop makes one
 * (docs/design.md and docs/performance.md have the measurements).  On
 * hardware the single pass saves the second read of every page; the
 * loads are aligned 8-byte loads, the pattern the kernel's own
 * copy_mc_fragile() uses on the CPUs whose machine-check recovery is the
 * most restricted.  tests/static/check-mcsafe.py checks the built module:
 * every load of the loop has its exception-table entry.
 */
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/random.h>
#include "daxmirror.h"

#if defined(CONFIG_X86_64)
#include <asm/asm.h>
#include <asm/extable_fixup_types.h>

/*
 * Copy @lines cache lines of 64 bytes; @src and @dst 8-byte aligned.
 * Returns the number of lines not copied: 0, or more when a load faulted
 * or consumed poison (the counter is only decremented after a line's
 * eight loads have completed).  A whole line per turn: the eight
 * non-temporal stores fill one write-combining buffer.
 */
static noinline unsigned long dxm_copy_lines_nt(void *dst, const void *src,
						unsigned long lines)
{
	asm volatile("1:	movq 0(%[src]), %%r8\n"
		     "2:	movq 8(%[src]), %%r9\n"
		     "3:	movq 16(%[src]), %%r10\n"
		     "4:	movq 24(%[src]), %%r11\n"
		     "5:	movq 32(%[src]), %%rax\n"
		     "6:	movq 40(%[src]), %%rcx\n"
		     "7:	movq 48(%[src]), %%rdx\n"
		     "8:	movq 56(%[src]), %%rsi\n"
		     "	movnti %%r8, 0(%[dst])\n"
		     "	movnti %%r9, 8(%[dst])\n"
		     "	movnti %%r10, 16(%[dst])\n"
		     "	movnti %%r11, 24(%[dst])\n"
		     "	movnti %%rax, 32(%[dst])\n"
		     "	movnti %%rcx, 40(%[dst])\n"
		     "	movnti %%rdx, 48(%[dst])\n"
		     "	movnti %%rsi, 56(%[dst])\n"
		     "	addq $64, %[src]\n"
		     "	addq $64, %[dst]\n"
		     "	decq %[lines]\n"
		     "	jnz 1b\n"
		     "9:\n"
		     _ASM_EXTABLE_TYPE(1b, 9b, EX_TYPE_DEFAULT_MCE_SAFE)
		     _ASM_EXTABLE_TYPE(2b, 9b, EX_TYPE_DEFAULT_MCE_SAFE)
		     _ASM_EXTABLE_TYPE(3b, 9b, EX_TYPE_DEFAULT_MCE_SAFE)
		     _ASM_EXTABLE_TYPE(4b, 9b, EX_TYPE_DEFAULT_MCE_SAFE)
		     _ASM_EXTABLE_TYPE(5b, 9b, EX_TYPE_DEFAULT_MCE_SAFE)
		     _ASM_EXTABLE_TYPE(6b, 9b, EX_TYPE_DEFAULT_MCE_SAFE)
		     _ASM_EXTABLE_TYPE(7b, 9b, EX_TYPE_DEFAULT_MCE_SAFE)
		     _ASM_EXTABLE_TYPE(8b, 9b, EX_TYPE_DEFAULT_MCE_SAFE)
		     : [src] "+r" (src), [dst] "+r" (dst),
		       [lines] "+r" (lines)
		     : : "r8", "r9", "r10", "r11", "rax", "rcx", "rdx", "rsi",
		       "cc", "memory");
	return lines;
}

#endif

/*
 * Copy @len bytes from @src to @dst (both DAX mappings of the legs);
 * @bounce is a page of DRAM for the generic path.  Returns 0, or -EIO when
 * a load from @src consumed poison or faulted (the destination then holds
 * an unknown part of the data).  The caller fences the stores (wmb()).
 */
int dxm_copy_to_pmem(void *dst, const void *src, size_t len, void *bounce)
{
	size_t off, n;

#if defined(CONFIG_X86_64)
	if (len && !(len % 64) &&
	    !(((unsigned long)src | (unsigned long)dst) & 7))
		return dxm_copy_lines_nt(dst, src, len / 64) ? -EIO : 0;
#endif
	for (off = 0; off < len; off += n) {
		n = min_t(size_t, len - off, PAGE_SIZE);
		if (copy_mc_to_kernel(bounce, src + off, n))
			return -EIO;
		memcpy_flushcache(dst + off, bounce, n);
	}
	return 0;
}

/*
 * At module load: a copy whose source runs into an unmapped page (the
 * guard page after a vmalloc area) must end at the fixup with -EIO and
 * the lines before it copied, instead of oopsing.  A machine check in the
 * loop resumes through the same exception-table entries, so a load
 * without one shows here, at every load of the module, instead of at the
 * first poisoned page.  Only x86-64 has the loop.
 */
int dxm_pmemcopy_selftest(void)
{
	char *src, *dst;
	int r;

	if (!IS_ENABLED(CONFIG_X86_64))
		return 0;
	src = vmalloc(PAGE_SIZE);
	dst = vzalloc(2 * PAGE_SIZE);
	r = -ENOMEM;
	if (src && dst) {
		get_random_bytes(src, PAGE_SIZE);
		r = dxm_copy_to_pmem(dst, src, 2 * PAGE_SIZE, NULL);
		wmb();	/* order the non-temporal stores before the check */
		if (r == -EIO && !memcmp(dst, src, PAGE_SIZE))
			r = 0;
		else
			r = -EFAULT;
	}
	vfree(dst);
	vfree(src);
	return r;
}
