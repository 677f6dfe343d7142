/* Generators of the ip6tables extension-header matches
 * (rand_matches6.c), entries of the table in rand_matches.c. */
#ifndef RAND_MATCHES6_H
#define RAND_MATCHES6_H

#include "rand_rules.h"

void rr_gen_frag(struct rnd *r, struct rr_rule *rule, const char *proto);
void rr_gen_hbh(struct rnd *r, struct rr_rule *rule, const char *proto);
void rr_gen_dst(struct rnd *r, struct rr_rule *rule, const char *proto);
void rr_gen_rt(struct rnd *r, struct rr_rule *rule, const char *proto);
void rr_gen_ipv6header(struct rnd *r, struct rr_rule *rule, const char *proto);
void rr_gen_mh(struct rnd *r, struct rr_rule *rule, const char *proto);
void rr_gen_ah6(struct rnd *r, struct rr_rule *rule, const char *proto);

#endif
