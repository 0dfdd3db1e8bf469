"""PyTorch peer for the built-in engine: the same GPT-2-style model (4 layers, 128 channels, 4 heads,
context 128, vocabulary 64, learned positions, biases, tied head, tanh GELU), fp32 eager, one thread.

  engine_peer.py train STEPS      AdamW steps on random tokens, batch 32, after two warm-ups
  engine_peer.py sample ROLLOUTS  T=1 sampling of ROLLOUTS x 96 tokens from one 32-token prompt, batched, with a
                                  preallocated KV cache, after one warm-up run

Prints one JSON object with the measured seconds, like oneshot-bench.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
V, CTX, L, C, NH = 64, 128, 4, 128, 4


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.fc, self.fcproj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def attend(self, x, cache=None):
        B, T, _ = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, NH, C // NH).transpose(1, 2) for t in (q, k, v))
        if cache is not None:   # preallocated: a step writes its keys and values in place, no concatenation
            n = cache.setdefault("n", 0)
            if n == 0:
                cache["k"], cache["v"] = torch.empty(B, NH, CTX, C // NH), torch.empty(B, NH, CTX, C // NH)
            cache["k"][:, :, n:n + T], cache["v"][:, :, n:n + T] = k, v
            cache["n"] = n + T
            k, v = cache["k"][:, :, :n + T], cache["v"][:, :, :n + T]
        y = F.scaled_dot_product_attention(q, k, v, is_causal=T > 1)
        return self.proj(y.transpose(1, 2).contiguous().view(B, T, C))

    def forward(self, x, cache=None):
        x = x + self.attend(self.ln1(x), cache)
        return x + self.fcproj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(CTX, C)
        self.blocks = nn.ModuleList(Block() for _ in range(L))
        self.lnf = nn.LayerNorm(C)

    def forward(self, idx, start=0, caches=None):
        pos = torch.arange(start, start + idx.shape[1])
        x = self.wte(idx) + self.wpe(pos)
        for i, block in enumerate(self.blocks):
            x = block(x, None if caches is None else caches[i])
        return self.lnf(x) @ self.wte.weight.T


def train(steps):
    model = GPT()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
    times = []
    for step in range(steps + 2):
        x, y = torch.randint(0, V, (32, CTX)), torch.randint(0, V, (32, CTX))
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x).view(-1, V), y.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step >= 2:
            times.append(time.perf_counter() - start)
    print(json.dumps({"tokens_per_step": 32 * CTX, "seconds": times}))


@torch.no_grad()
def generate(model, prompt):
    caches = [{} for _ in range(L)]
    logits = model(prompt, 0, caches)[:, -1]
    for t in range(96):
        nxt = torch.multinomial(F.softmax(logits, -1), 1)
        if t == 95:
            break
        logits = model(nxt, 32 + t, caches)[:, -1]


def sample(rollouts):
    model = GPT()
    prompt = torch.randint(3, V, (1, 32)).repeat(rollouts, 1)
    generate(model, prompt)   # warm-up
    start = time.perf_counter()
    generate(model, prompt)
    print(json.dumps({"tokens": rollouts * 96, "seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    {"train": train, "sample": sample}[sys.argv[1]](int(sys.argv[2]))
