"""Opening an ONNX Runtime session the same way for every shipped model: CPU, threads bounded."""

from pathlib import Path


def open_session(path: Path, threads: int | None = None):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
