"""CPU per upload of one upload sender (`sync/sending.py`), the part of a first sync whose cost per
file sets the pace on a small machine (see `sync_s3.py`).

It stores N random files of 1–100 KB in a local blob store, starts SeaweedFS (`weed mini`), opens
a sender in this process as a cycle's child would (`start_sender`) and hands it the uploads in
batches of 20, then prints the uploads per second and this process's CPU per upload. No
database and no planner: only the connector's upload path (S3's direct PUT, its signing and its
HTTP client) and the blob store's reads. Everything runs on 127.0.0.1.

    .venv/bin/python bench/sync_sender.py [--files 2000] [--threads 8]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARM_UP = 50


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    arguments = parser.parse_args()

    from tests.peers.seaweedfs import seaweedfs_server

    from archivist.documents.blobstore import LocalBlobStore
    from archivist.sync import sending

    with (
        tempfile.TemporaryDirectory(prefix="archivist-sender-") as home,
        seaweedfs_server() as peer,
    ):
        store = LocalBlobStore(Path(home))
        rng = random.Random(1)
        blobs = [
            store.put_bytes(rng.randbytes(rng.randint(1024, 100 * 1024)))
            for _ in range(arguments.files)
        ]
        options = {
            "bucket": peer.bucket,
            "prefix": f"sender-{uuid.uuid4().hex[:8]}",
            "endpoint_url": peer.endpoint_url,
            "region": peer.region,
            "path_style": True,
            "access_key": peer.access_key_id,
            "secret_key": peer.secret_access_key,
        }
        spec = sending.SenderSpec("s3", options, "Archivist", ("local", home), arguments.threads)
        sending.start_sender(spec)
        jobs = [
            sending.Job(
                index,
                f"F{index % 100:03d}/file-{index:05d}.bin",
                blob.sha256,
                blob.size,
                None,
                True,
            )
            for index, blob in enumerate(blobs)
        ]
        sending.send_batch(jobs[:WARM_UP])  # connections opened, code paths warm
        measured = jobs[WARM_UP:]
        cpu, started = cpu_seconds(), time.perf_counter()
        answers = []
        for first in range(0, len(measured), sending.BATCH):
            answers += sending.send_batch(measured[first : first + sending.BATCH])
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        failures = [answer for answer in answers if isinstance(answer, sending.Failure)]
        count = len(measured)
        print(
            f"{count} uploads, {arguments.threads} threads: {count / elapsed:.0f}/s, "
            f"CPU {1000 * cpu / count:.2f} ms per upload, failures {len(failures)}"
        )
        if failures:
            print(f"  first failure: {failures[0]}")


if __name__ == "__main__":
    main()
