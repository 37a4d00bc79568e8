"""The ONNX export that ships every fine-tuned model: fused attention, int8 weights, the same logits
as torch, and an embedding lookup that vocabulary pruning can still find; and the classifier's
training path, which runs only the layers that learn.

A tiny randomly initialised XLM-R encoder stands in for e5 so that the test runs in seconds."""

import numpy as np
import pytest

from nlp_pipeline.transformer.onnx_session import open_session

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
onnx = pytest.importorskip("onnx")


def tiny_encoder(path, layers: int = 2):
    torch.manual_seed(0)
    config = transformers.XLMRobertaConfig(vocab_size=400, hidden_size=64, num_hidden_layers=layers, num_attention_heads=4,
                                           intermediate_size=128, max_position_embeddings=80, pad_token_id=1)
    transformers.XLMRobertaModel(config, add_pooling_layer=False).save_pretrained(path)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from nlp_pipeline.transformer.finetune import export_int8
    from nlp_pipeline.transformer.train_classifier import _encoder_classifier

    base = tmp_path_factory.mktemp("tiny")
    tiny_encoder(base)
    model = _encoder_classifier(base, labels=3, train_layers=2).eval()
    sample = {"input_ids": torch.randint(5, 400, (2, 16)), "attention_mask": torch.ones(2, 16, dtype=torch.int64)}
    out = tmp_path_factory.mktemp("exported")
    export_int8(model, sample, out, per_token=False)
    return model, out / "model.onnx"


def test_attention_is_fused_and_weights_are_int8(exported):
    _, path = exported
    graph = onnx.load(str(path)).graph
    ops = {node.op_type for node in graph.node}
    assert "QAttention" in ops or "Attention" in ops
    assert "IsNaN" not in ops and "Softmax" not in ops
    assert any(t.data_type == onnx.TensorProto.INT8 for t in graph.initializer)
    assert any(n.op_type == "Gather" and n.input[1] == "input_ids" for n in graph.node)


def test_onnx_logits_follow_torch_with_padding(exported):
    model, path = exported
    ids = torch.randint(5, 400, (3, 40))
    mask = torch.ones_like(ids)
    mask[1, 25:] = 0
    mask[2, 7:] = 0
    ids[mask == 0] = 1
    with torch.inference_mode():
        expected = model(ids, mask).numpy()
    got = open_session(path).run(["logits"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
    assert got.shape == expected.shape
    # int8 weights on a 64-wide random encoder: about a quarter of the logits' spread at worst
    # (the same as quantising the unfused graph); a wrong mask or fusion is off by the whole spread.
    assert np.abs(got - expected).max() < 0.4 * float(expected.std())
    # A padded row reads the same as the same row alone: the fused attention honours the mask.
    alone = open_session(path).run(["logits"], {"input_ids": ids[2:, :7].numpy(), "attention_mask": mask[2:, :7].numpy()})[0]
    assert np.allclose(alone, got[2:], atol=1e-4)


def test_the_piece_reading_tagger_exports_with_its_per_character_inputs(tmp_path):
    from nlp_pipeline.transformer.char_ner import PADDING, bio_tags
    from nlp_pipeline.transformer.finetune import export_int8
    from nlp_pipeline.transformer.train_ner import char_tagger

    tiny_encoder(tmp_path / "tiny")
    model = char_tagger(tmp_path / "tiny", bio_tags(), crf=True, inputs="pieces").eval()

    def feeds(rows, tokens, chars):
        return {"input_ids": torch.randint(5, 400, (rows, tokens)), "attention_mask": torch.ones(rows, tokens, dtype=torch.int64),
                "char_piece": torch.randint(1, tokens - 1, (rows, chars)), "char_ids": torch.randint(5, 400, (rows, chars)),
                "char_position": torch.randint(0, PADDING, (rows, chars))}

    export_int8(model, feeds(2, 9, 12), tmp_path, per_token=True)
    inputs = feeds(1, 14, 20)
    with torch.inference_mode():
        expected = model(**inputs).numpy()
    got = open_session(tmp_path / "model.onnx").run(["logits"], {k: v.numpy() for k, v in inputs.items()})[0]
    assert got.shape == expected.shape == (1, 20, len(bio_tags()))  # one row of scores per character
    # int8 noise on a random encoder is a few percent of the spread on average (the unquantised
    # export matches torch to 1e-6); a character reading the wrong piece is off by the whole spread.
    assert np.abs(got - expected).mean() < 0.1 * float(expected.std())


def test_training_from_the_frozen_layers_output_gives_the_models_own_logits(tmp_path):
    from nlp_pipeline.transformer.train_classifier import _encoder_classifier, lower_states, top_logits
    from nlp_pipeline.transformer.windows import batch

    tiny_encoder(tmp_path, layers=3)
    model = _encoder_classifier(tmp_path, labels=3, train_layers=1).eval()
    model.encoder.set_attn_implementation("eager")
    windows = batch([list(range(5, 30)), list(range(40, 47)), list(range(100, 160))], bos=0, eos=2, pad=1,
                    length=40, stride=30)
    states = lower_states(model, windows, cut=2, device=torch.device("cpu"))
    assert [len(s) for s in states] == windows.attention_mask.sum(1).tolist()  # each window unpadded
    with torch.inference_mode():
        trained_path = top_logits(model, states, cut=2, device=torch.device("cpu"))  # padded together
        alone = torch.cat([model(torch.from_numpy(ids[None, :int(m.sum())]), torch.from_numpy(m[None, :int(m.sum())]))
                           for ids, m in zip(windows.input_ids, windows.attention_mask)])
    # fp16 states: equal to about 1e-3 of the logits; a padding token read, or a layer run twice or
    # skipped, is off by a large part of their spread.
    assert torch.allclose(trained_path, alone, atol=2e-3 * float(alone.std()) + 1e-4)
