/*  bind.c: which broker endpoints are reachable from other hosts.

    With CURVE off, anyone who reaches a broker port can feed items, act as
    a worker and read every result. The defaults bind 127.0.0.1; a broker
    that binds anything else with CURVE off refuses to start unless
    broker.insecure_public / --insecure-public says it is meant (broker.c).
*/
#include "broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

static bool s_host_is_loopback(const char *host, size_t n)
{
    char h[256];
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        host++;
        n -= 2;
    }
    if (n == 0 || n >= sizeof h) return false;
    memcpy(h, host, n);
    h[n] = 0;
    if (!strcmp(h, "lo") || !strcasecmp(h, "localhost")) return true;
    struct in_addr a4;
    if (inet_pton(AF_INET, h, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
    struct in6_addr a6;
    if (inet_pton(AF_INET6, h, &a6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&a6)) return true;
        return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
    }
    return false; /* "*", an interface name, a host name, another address */
}

bool wt_broker_ep_is_local(const char *ep)
{
    if (!ep) return false;
    if (!strncmp(ep, "ipc://", 6) || !strncmp(ep, "inproc://", 9)) return true;
    if (strncmp(ep, "tcp://", 6) != 0) return false;
    const char *host = ep + 6;
    const char *colon = strrchr(host, ':');
    if (!colon) return false;
    return s_host_is_loopback(host, (size_t)(colon - host));
}
