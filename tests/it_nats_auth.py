"""it_nats_auth.py: NATS user/password and mutual TLS come from `-c`.

A nats-server with JetStream that requires a user and password and TLS
with client certificates (a CA, a server and a client certificate made here
with openssl for this test only). wiretag reads nats.user, nats.password,
nats.tls, nats.tls_ca, nats.tls_cert and nats.tls_key:

- without the password, or without the client certificate, or without the
  CA, every command is refused with exit 2 and says why (no hang); without
  the CA a worker stops too (exit 2) instead of trying again;
- with the whole configuration, nats-init, feed, a worker and sub run the
  pipeline: 5 items, 5 results.
"""
import os
import subprocess

import harness as H
import harness.nats as N


def openssl(*args, cwd):
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    H.check(r.returncode == 0, "openssl %s: %s" % (args[0], r.stderr))


def make_certs(d):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=wiretag test CA", cwd=d)
    for name, usage in (("server", "serverAuth"), ("client", "clientAuth")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
                name + ".csr", "-subj", "/CN=127.0.0.1", cwd=d)
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=%s\n" % usage)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext",
                cwd=d)


def test(tmp, procs, new_broker):
    N.nats_built()
    N.nats_server_bin()
    if not subprocess.run(["sh", "-c", "command -v openssl"], capture_output=True).returncode == 0:
        H.skip("openssl is not installed (sh scripts/deps.sh test)")
    certs = os.path.join(tmp, "certs")
    os.makedirs(certs)
    make_certs(certs)
    node = N.Node(procs, tmp, "n1")
    node.write_conf()
    with open(node.conf, "a") as f:
        f.write('authorization {\n  user: wt\n  password: "s3cret-Pw"\n}\n'
                'tls {\n  cert_file: "%s/server.pem"\n  key_file: "%s/server.key"\n'
                '  ca_file: "%s/ca.pem"\n  verify: true\n  timeout: 3\n}\n' % (certs, certs, certs))
    node.start()
    url = node.url()

    def cfg(name, text):
        p = os.path.join(tmp, name + ".yaml")
        with open(p, "w") as f:
            f.write("nats:\n  prefix: wtauth\n" + text)
        return p

    tls = "  tls: true\n  tls_ca: %s/ca.pem\n  tls_cert: %s/client.pem\n  tls_key: %s/client.key\n" % (
        certs, certs, certs)
    good = cfg("good", "  user: wt\n  password: s3cret-Pw\n" + tls)
    refused = "refuses the credentials (nats.user/nats.password)"
    bad = {
        "no password": (cfg("nopw", "  user: wt\n" + tls), refused),
        "wrong password": (cfg("wrongpw", "  user: wt\n  password: nope\n" + tls), refused),
        "no client certificate": (cfg("nocert", "  user: wt\n  password: s3cret-Pw\n  tls: true\n"
                                      "  tls_ca: %s/ca.pem\n" % certs), "cannot connect to NATS"),
        "no CA": (cfg("noca", "  user: wt\n  password: s3cret-Pw\n  tls: true\n  tls_cert: "
                      "%s/client.pem\n  tls_key: %s/client.key\n" % (certs, certs)),
                  "the connection's set-up failed"),
    }
    for what, (c, says) in bad.items():
        r = N.run([H.binary("wiretag"), "stats", "--nats", url, "-c", c], timeout=30)
        print("%s: exit %d: %s" % (what, r.returncode, r.stderr.strip()))
        H.check(r.returncode == 2 and says in r.stderr,
                "%s: exit %d, stderr %r (want %r)" % (what, r.returncode, r.stderr, says))
    # a worker stops too (exit 2) rather than trying again forever when its
    # TLS settings cannot work; a missing client certificate looks like a
    # server going away mid-handshake, so there it keeps trying
    try:
        r = N.run([H.binary("wiretag-worker"), "--threads", "1", "--nats", url, "-c",
                   bad["no CA"][0]], timeout=20)
    except subprocess.TimeoutExpired:
        H.fail("no CA: the worker still runs after 20 s (tries again instead of stopping)")
    H.check(r.returncode == 2 and "set-up failed" in r.stderr, "no CA: worker exit %d, %r" %
            (r.returncode, r.stderr))

    out = N.nats_init(url, good)
    H.check("WTAUTH_ITEMS: created" in out, out)
    items = os.path.join(tmp, "items.jsonl")
    ids = H.write_items(items, 5, prefix="a")
    w = N.start_worker(procs, url, good, "w1", threads=1)
    f = N.run([H.binary("wiretag"), "feed", "--nats", url, "-c", good, "--no-progress", items])
    H.check(f.returncode == 0 and "5 acknowledged" in f.stderr, "feed: " + f.stderr)
    pairs = N.sub_all(url, good, 5, timeout=60)
    N.check_exactly_once(pairs, ids, "auth:")
    w.terminate()
    H.check(w.wait(30) == 0, "worker exit %s" % w.returncode)


H.run_e2e(test, seconds=200)
