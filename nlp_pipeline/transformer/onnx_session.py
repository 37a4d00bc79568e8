"""Opening an ONNX Runtime session the same way for every shipped model: CPU, threads bounded.

``NLP_PIPELINE_THREADS`` caps the threads of every model in a process: the batch runner sets it to
1 in each of its worker processes, so that n workers on n cores do not each start n threads.
"""

import os
from pathlib import Path


def thread_limit() -> int | None:
    return int(os.environ.get("NLP_PIPELINE_THREADS", "0")) or None


def open_session(path: Path, threads: int | None = None):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    threads = threads or thread_limit()
    if threads:
        options.intra_op_num_threads = threads
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
