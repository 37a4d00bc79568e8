"""What fine-tuning the encoder for any head shares: freezing the lower layers, the training loop
(AdamW, linear warm-up and decay), and export to ONNX with int8 dynamic quantisation."""

import random
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

INPUTS = ["input_ids", "attention_mask"]


def prepare(base: Path, seed: int):
    """Build the base checkpoint if it is missing, seed the random generators, and return the
    base's tokenizer: the same start for every head."""
    import torch
    from tokenizers import Tokenizer

    if not (base / "config.json").exists():
        from .base_model import build

        build(base)
    torch.manual_seed(seed)
    random.seed(seed)
    return Tokenizer.from_file(str(base / "tokenizer.json"))


def freeze_lower_layers(encoder, train_layers: int) -> None:
    """Embeddings and all but the top ``train_layers`` encoder layers stop learning."""
    for parameter in encoder.embeddings.parameters():
        parameter.requires_grad = False
    layers = encoder.encoder.layer
    for layer in layers[: len(layers) - train_layers]:
        for parameter in layer.parameters():
            parameter.requires_grad = False


def training_device():
    """The GPU when one is present (training is then many times faster), else the CPU."""
    import torch

    if torch.cuda.is_available():
        torch.backends.cuda.matmul.allow_tf32 = True
        return torch.device("cuda")
    return torch.device("cpu")


def fit(model, chunks: list[Sequence[int]], chunk_loss: Callable, epochs: int, learning_rate: float, log=print,
        head_factor: float = 1.0, fast_modules: Sequence[str] = ("head",)) -> None:
    """Train on ``chunks`` (index batches) for ``epochs``; ``chunk_loss(chunk)`` returns the loss.
    The freshly initialised submodules named in ``fast_modules`` learn ``head_factor`` times faster
    than the encoder."""
    import time

    import torch

    head = {id(p) for name in fast_modules for p in getattr(model, name).parameters()}
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW([{"params": [p for p in trainable if id(p) not in head]},
                                   {"params": [p for p in trainable if id(p) in head],
                                    "lr": learning_rate * head_factor}],
                                  lr=learning_rate, weight_decay=0.01)
    steps = max(epochs * len(chunks), 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps))
    started = time.monotonic()
    for epoch in range(epochs):
        model.train()
        random.shuffle(chunks)
        total = 0.0
        for chunk in chunks:
            loss = chunk_loss(chunk)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item()
        log(f"epoch {epoch + 1}/{epochs}: loss {total / len(chunks):.4f} ({time.monotonic() - started:.0f} s)")
    model.eval()


def export_int8(model, sample: dict, out: Path, per_token: bool) -> None:
    """Write ``out/model.onnx``: the model's logits for the inputs named in ``sample`` (input_ids,
    attention_mask and any per-character inputs, whose second axis is "characters"), int8 weights.

    The encoder is traced with its plain ("eager") attention: the default scaled-dot-product path
    exports as a Where over every attention score that ORT cannot fuse (a third of the run time at
    512 tokens). ORT's transformer optimizer then fuses each layer's attention, bias-GELU and
    skip-layer-norm, and the matrix products are quantised to int8. The embedding lookup stays a
    plain Gather over ``input_ids`` so that the vocabulary can be pruned afterwards."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    config = model.encoder.config
    model.encoder.set_attn_implementation("eager")
    work = out / "_export"
    work.mkdir(parents=True, exist_ok=True)
    names = list(sample)
    axes = {name: {0: "rows", 1: "tokens" if name in INPUTS else "characters"} for name in names}
    per_character = any(name not in INPUTS for name in names)
    axes["logits"] = {0: "rows", 1: "characters" if per_character else "tokens"} if per_token else {0: "rows"}
    torch.onnx.export(model, tuple(sample.values()), str(work / "fp32.onnx"), input_names=names,
                      output_names=["logits"], dynamic_axes=axes, opset_version=17, dynamo=False)
    fusion = FusionOptions("bert")
    fusion.enable_embed_layer_norm = False
    fused = optimizer.optimize_model(str(work / "fp32.onnx"), model_type="bert", num_heads=config.num_attention_heads,
                                     hidden_size=config.hidden_size, optimization_options=fusion)
    fused.save_model_to_file(str(work / "fused.onnx"))
    quantize_dynamic(str(work / "fused.onnx"), str(out / "model.onnx"), weight_type=QuantType.QInt8,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    shutil.rmtree(work)
