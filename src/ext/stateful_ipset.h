/* Sets, as libxt_set looks them up: by name, among bpfilter's sets of the
 * current network namespace (`bpfilter set`, core/set.h). */
#ifndef BF_EXT_STATEFUL_IPSET_H
#define BF_EXT_STATEFUL_IPSET_H

#define BF_SF_IPSET_MAXNAMELEN 32 /* IPSET_MAXNAMELEN, with the NUL */

/* get_set_byname: 0 and the set's family (NFPROTO_IPV4, NFPROTO_IPV6 or
 * NFPROTO_UNSPEC); else an error after iptables' message: -EINVAL for
 * "Set NAME doesn't exist.", -EPROTO when the kernel cannot be asked.
 * Weak, so that a test can stand in for the kernel. */
int bf_sf_ipset_family(const char *name, unsigned int *family);

#endif
