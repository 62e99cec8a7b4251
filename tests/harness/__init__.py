"""The integration tests' harness (tests/it_*.py): `import harness as H`.

It starts the real programs on 127.0.0.1 with ephemeral ports (brokers
read back from their --ready-file, workers, `wiretag feed`), speaks the
broker's protocol as a producer, a fake worker, a subscriber or a
replay/control client, waits on observable state (STATS, logs, /proc,
never a bare sleep) and kills every process and removes every temporary
file at the end (run, run_e2e; on a failure the files stay for a look and
the logs are printed). Not a test itself (no it_ prefix).

  harness.core     verdicts (check, Checks, fail, skip), paths, shims, waiting,
                   item files, temp dirs, a stdout line reader
  harness.wire     the protocol: Producer, Worker (fake), Subscriber, Control, CURVE keys
  harness.procs    Broker, Procs (workers, feeders), Supervisor, STATS/REPLAY,
                   /proc/net/tcp, run and run_e2e
  harness.nats     nats-server nodes and clusters (import harness.nats as N)
  harness.metrics  a strict Prometheus text reader (import harness.metrics as M)
"""
from .core import (BIN, BUILD, SENTENCES, Checks, LineReader, binary, broker_bin, check,  # noqa: F401
                   check_exactly_once, fail, poll_until, preload_env, read_jsonl, read_text, shim,
                   skip, tempdir, wait_for, write_items)
from .wire import (TOPIC, V, Client, Control, Keys, Producer, Subscriber, Worker,  # noqa: F401
                   allow_list, curve_config, curve_keys, header, item, journal_with_marks, keygen,
                   msgpack, pack, put_all, result_for, unpack, zmq)
from .procs import (Broker, Procs, Supervisor, control, curve_pipeline, feed, port_of,  # noqa: F401
                    replay_all, result_sizes, run, run_e2e, start_sub, start_worker, stats, sub_args,
                    tcp_queues,
                    worker_config)
