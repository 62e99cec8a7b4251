"""it_nats_nkey.py: NATS nkey and credentials-file auth come from `-c`.

The keys are ed25519 key pairs made here (python3-cryptography) and written
the way the nkeys library writes them: base32 without padding of prefix
byte(s), raw key and CRC-16/XMODEM (little-endian); a seed "SU..." holds a
user's private key, "U..." is its public key. The JWTs are made here too.

nkey: a nats-server with JetStream whose only user is an nkey. wiretag
reads nats.nkey and nats.nkey_seed (a file):
- with the seed of that key, nats-init, a worker, feed and sub run the
  pipeline: 5 items, 5 results, each once;
- with the seed of another key, a seed file with no seed in it, a missing
  seed file, no credentials, nkey without nkey_seed, nkey_seed without
  nkey, or nats.creds beside them, nats-init, stats, feed, sub and the
  worker exit 2 at once and say why.

creds: a nats-server in operator mode: an operator JWT, the JWTs of a
system account and of account "wt" (JetStream enabled by its limits)
preloaded in a MEMORY resolver. wiretag reads nats.creds, a .creds file in
the standard format (user JWT signed by the account, user seed):
- with a user of account wt, the same pipeline;
- with a user JWT signed by an account the server does not know, one that
  names wt as its issuer but is signed by another account's key, or a
  missing file, every command exits 2 and says why.
"""
import base64
import json
import os
import subprocess
import time

import harness as H
import harness.nats as N

try:
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
except ImportError:
    ser = Ed25519PrivateKey = None

# nkeys prefix bytes: the type's letter as a base32 digit, in the top 5 bits
SEED, OPERATOR, ACCOUNT, USER = 18 << 3, 14 << 3, 0 << 3, 20 << 3


def crc16_xmodem(data):
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = (crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def nkey_text(raw):
    raw += crc16_xmodem(raw).to_bytes(2, "little")
    return base64.b32encode(raw).decode().rstrip("=")


class NKey:
    """An ed25519 key pair of one nkey type: .public ("U...", "A...",
    "O..."), .seed ("SU...", "SA...", "SO...") and sign()."""

    def __init__(self, kind):
        self.key = Ed25519PrivateKey.generate()
        raw_seed = self.key.private_bytes(ser.Encoding.Raw, ser.PrivateFormat.Raw,
                                          ser.NoEncryption())
        raw_pub = self.key.public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
        self.public = nkey_text(bytes([kind]) + raw_pub)
        # the seed's 2 prefix bytes: 5 bits seed, 5 bits the type, 6 bits zero
        self.seed = nkey_text(bytes([SEED | kind >> 5, (kind & 31) << 3]) + raw_seed)

    def sign(self, data):
        return self.key.sign(data)


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(iss, sub, name, nats, signer=None):
    """A JWT with claims from iss (an NKey) about sub, signed by signer
    (default iss: another signer forges it)."""
    claims = {"iat": int(time.time()), "iss": iss.public, "sub": sub, "name": name, "nats": nats}
    claims["jti"] = base64.b32encode(os.urandom(20)).decode()  # a unique id
    head = b64url(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    body = b64url(json.dumps(claims).encode())
    sig = (signer or iss).sign((head + "." + body).encode())
    return head + "." + body + "." + b64url(sig)


def creds_text(user_jwt, seed):
    return ("-----BEGIN NATS USER JWT-----\n%s\n------END NATS USER JWT------\n\n"
            "************************* IMPORTANT *************************\n"
            "NKEY Seed printed below can be used to sign and prove identity.\n"
            "NKEYs are sensitive and should be treated as secrets.\n\n"
            "-----BEGIN USER NKEY SEED-----\n%s\n------END USER NKEY SEED------\n\n"
            "*************************************************************\n" % (user_jwt, seed))


def secret(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def refused(url, cfg, what, says, items):
    """Every command with cfg exits 2 at once (no retrying) and says `says`."""
    b = H.binary
    cmds = {
        "nats-init": [b("wiretag"), "nats-init"],
        "stats": [b("wiretag"), "stats"],
        "feed": [b("wiretag"), "feed", "--no-progress", items],
        "sub": [b("wiretag"), "sub", "--from", "1", "--count", "1", "--idle", "5"],
        "worker": [b("wiretag-worker"), "--threads", "1", "--name", "wbad"],
    }
    for cmd, args in cmds.items():
        t0 = time.time()
        try:
            r = N.run(args + ["--nats", url, "-c", cfg], timeout=20)
        except subprocess.TimeoutExpired:
            H.fail("%s: %s still runs after 20 s (tries again instead of refusing)" % (what, cmd))
        err = r.stderr.strip().splitlines()
        print("%s: %s exit %d in %.1f s: %s" % (what, cmd, r.returncode, time.time() - t0,
                                               err[-1] if err else ""))
        H.check(r.returncode == 2 and says in r.stderr,
                "%s: %s exit %d (want 2), stderr %r (want %r)" % (what, cmd, r.returncode,
                                                                  r.stderr, says))


def pipeline(procs, url, cfg, items, ids, what):
    """nats-init, a worker, feed and sub: every item's result once."""
    out = N.nats_init(url, cfg)
    H.check("WTKEY_ITEMS: created" in out, out)
    w = N.start_worker(procs, url, cfg, "w-" + what, threads=1)
    f = N.run([H.binary("wiretag"), "feed", "--nats", url, "-c", cfg, "--no-progress", items])
    H.check(f.returncode == 0 and "5 acknowledged" in f.stderr, "%s feed: %s" % (what, f.stderr))
    pairs = N.sub_all(url, cfg, 5, timeout=60)
    N.check_exactly_once(pairs, ids, what + ":")
    w.terminate()
    H.check(w.wait(30) == 0, "%s worker exit %s" % (what, w.returncode))


def test(tmp, procs, new_broker):
    N.nats_built()
    N.nats_server_bin()
    if Ed25519PrivateKey is None:
        H.skip("python3-cryptography is not installed (sh scripts/deps.sh test)")

    def cfg(name, text):
        p = os.path.join(tmp, name + ".yaml")
        with open(p, "w") as f:
            f.write("nats:\n  prefix: wtkey\n" + text)
        return p

    items = os.path.join(tmp, "items.jsonl")
    ids = H.write_items(items, 5, prefix="k")

    # ---- nkey ----
    user, stranger = NKey(USER), NKey(USER)
    H.check(user.public.startswith("U") and user.seed.startswith("SU") and len(user.seed) == 58,
            "nkey encoding: %s %s" % (user.public, user.seed))
    node = N.Node(procs, tmp, "nk")
    node.write_conf()
    with open(node.conf, "a") as f:
        f.write("authorization {\n  users = [ { nkey: %s } ]\n}\n" % user.public)
    node.start()
    url = node.url()
    seed = secret(os.path.join(tmp, "user.nk"), user.seed + "\n")
    other_seed = secret(os.path.join(tmp, "stranger.nk"), stranger.seed + "\n")
    nk = "  nkey: %s\n" % user.public
    good = cfg("nkey", nk + "  nkey_seed: %s\n" % seed)
    bad = [
        ("another key's seed", cfg("wrongseed", nk + "  nkey_seed: %s\n" % other_seed),
         "refuses the credentials (nats.nkey/nats.nkey_seed)"),
        ("garbage seed file", cfg("junkseed", nk + "  nkey_seed: %s\n" % secret(
            os.path.join(tmp, "junk.nk"), "not a seed\n")), "nats.nkey_seed"),
        ("no seed file", cfg("noseedfile", nk + "  nkey_seed: %s/absent.nk\n" % tmp),
         "nats.nkey_seed: cannot read"),
        ("no credentials", cfg("none", ""), "refuses the credentials (none set"),
        ("nkey without nkey_seed", cfg("noseed", nk), "go together"),
        ("nkey_seed without nkey", cfg("nokey", "  nkey_seed: %s\n" % seed), "go together"),
        ("creds beside nkey", cfg("both", nk + "  nkey_seed: %s\n  creds: %s\n" % (seed, seed)),
         "exclude each other"),
    ]
    for what, c, says in bad:
        refused(url, c, what, says, items)
    pipeline(procs, url, good, items, ids, "nkey")

    # ---- creds: operator mode ----
    operator, system, account, foreign = (NKey(OPERATOR), NKey(ACCOUNT), NKey(ACCOUNT),
                                          NKey(ACCOUNT))
    cuser = NKey(USER)
    unlimited = {k: -1 for k in ("subs", "data", "payload", "imports", "exports", "conn", "leaf")}
    unlimited["wildcards"] = True
    js = dict(unlimited, mem_storage=-1, disk_storage=-1, streams=-1, consumer=-1)
    op_jwt = jwt(operator, operator.public, "wiretag-test",
                 {"type": "operator", "version": 2, "system_account": system.public})
    sys_jwt = jwt(operator, system.public, "SYS",
                  {"type": "account", "version": 2, "limits": unlimited})
    acc_jwt = jwt(operator, account.public, "wt", {"type": "account", "version": 2, "limits": js})
    claims = {"type": "user", "version": 2, "pub": {}, "sub": {}, "subs": -1, "data": -1,
              "payload": -1}
    op = N.Node(procs, tmp, "op")
    op.write_conf()
    with open(op.conf, "a") as f:
        f.write("operator: %s\nsystem_account: %s\nresolver: MEMORY\nresolver_preload: {\n"
                "  %s: %s\n  %s: %s\n}\n" % (op_jwt, system.public, system.public, sys_jwt,
                                             account.public, acc_jwt))
    op.start()
    url = op.url()

    def creds(name, user_jwt):
        p = secret(os.path.join(tmp, name + ".creds"), creds_text(user_jwt, cuser.seed))
        return cfg(name, "  creds: %s\n" % p)

    good = creds("user", jwt(account, cuser.public, "worker", claims))
    bad = [
        ("user of an unknown account", creds("foreign", jwt(foreign, cuser.public, "w", claims)),
         "refuses the credentials (nats.creds)"),
        ("user JWT forged by another account",
         creds("forged", jwt(account, cuser.public, "w", claims, signer=foreign)),
         "refuses the credentials (nats.creds)"),
        ("no creds file", cfg("nocreds", "  creds: %s/absent.creds\n" % tmp),
         "nats.creds: cannot read"),
    ]
    for what, c, says in bad:
        refused(url, c, what, says, items)
    pipeline(procs, url, good, items, ids, "creds")


H.run_e2e(test, seconds=120)
