"""PyTorch peer for one GRPO step of the built-in engine (oneshot-bench grpo-step), fp32 eager, one thread.

  grpo_peer.py MODEL_DIR PROBLEMS.jsonl STEPS

The same model (weights read from MODEL_DIR/model.safetensors), the same problems (8 per step, in file
order), the same step: 8 prompts x 8 samples at T=1 with a KV cache (rows batched together, left-padded,
per-row positions), reward 1 when the last \\boxed{} equals the gold answer, advantages (r - mean)/(std + 1e-6)
within each group, then one update of the token-mean loss: clipped ratio (eps 0.2), low_var_kl to the frozen
reference (0.001), entropy bonus (0.001), gradient clipping at 1, AdamW (lr 1e-4, betas 0.9/0.95, wd 0.01).
Prints the seconds of sampling (with reward), the reference's forward and the update, per step, as JSON.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file

torch.set_num_threads(1)
PAD, BOS, EOS = 0, 1, 2


class Model(nn.Module):
    def __init__(self, V, CTX, L, C, NH):
        super().__init__()
        self.C, self.NH, self.L = C, NH, L
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(CTX, C)
        self.ln1 = nn.ModuleList(nn.LayerNorm(C) for _ in range(L))
        self.ln2 = nn.ModuleList(nn.LayerNorm(C) for _ in range(L))
        self.qkv = nn.ModuleList(nn.Linear(C, 3 * C) for _ in range(L))
        self.proj = nn.ModuleList(nn.Linear(C, C) for _ in range(L))
        self.fc = nn.ModuleList(nn.Linear(C, 4 * C) for _ in range(L))
        self.fcproj = nn.ModuleList(nn.Linear(4 * C, C) for _ in range(L))
        self.lnf = nn.LayerNorm(C)

    def load(self, path):
        t = load_file(path)
        with torch.no_grad():
            self.wte.weight.copy_(t["wte"]); self.wpe.weight.copy_(t["wpe"])
            for l in range(self.L):
                for mod, w, b in [(self.ln1, "ln1w", "ln1b"), (self.ln2, "ln2w", "ln2b"), (self.qkv, "qkvw", "qkvb"),
                                  (self.proj, "attprojw", "attprojb"), (self.fc, "fcw", "fcb"), (self.fcproj, "fcprojw", "fcprojb")]:
                    mod[l].weight.copy_(t[w][l]); mod[l].bias.copy_(t[b][l])
            self.lnf.weight.copy_(t["lnfw"]); self.lnf.bias.copy_(t["lnfb"])

    def forward(self, idx, pos, mask, caches=None):
        """idx, pos [B,T]; mask [B,1,T,S] (True = attend); caches: per-layer dict with the capacity "cap", where the
        keys and values of the positions fed so far are kept (preallocated, written in place)."""
        B, T = idx.shape
        x = self.wte(idx) + self.wpe(pos)
        hs = self.C // self.NH
        for l in range(self.L):
            q, k, v = self.qkv[l](self.ln1[l](x)).split(self.C, dim=2)
            q, k, v = (z.view(B, T, self.NH, hs).transpose(1, 2) for z in (q, k, v))
            if caches is not None:
                cache = caches[l]
                n = cache.setdefault("n", 0)
                if n == 0:
                    cache["k"], cache["v"] = torch.empty(B, self.NH, cache["cap"], hs), torch.empty(B, self.NH, cache["cap"], hs)
                cache["k"][:, :, n:n + T], cache["v"][:, :, n:n + T] = k, v
                cache["n"] = n + T
                k, v = cache["k"][:, :, :n + T], cache["v"][:, :, :n + T]
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            x = x + self.proj[l](y.transpose(1, 2).contiguous().view(B, T, self.C))
            x = x + self.fcproj[l](F.gelu(self.fc[l](self.ln2[l](x)), approximate="tanh"))
        return self.lnf(x) @ self.wte.weight.T


@torch.no_grad()
def sample(model, prompts, ctx, max_new):
    B, P = len(prompts), max(len(p) for p in prompts)
    pad = torch.tensor([P - len(p) for p in prompts])
    idx = torch.tensor([[PAD] * (P - len(p)) + p for p in prompts])
    pos = (torch.arange(P)[None, :] - pad[:, None]).clamp(min=0)
    valid = torch.arange(P)[None, :] >= pad[:, None]
    causal = torch.tril(torch.ones(P, P, dtype=torch.bool))
    budget = torch.tensor([min(max_new, ctx - len(p)) for p in prompts])
    caches = [{"cap": P + int(budget.max())} for _ in range(model.L)]
    # a padding query sees only itself (a row of no keys would give NaN); real queries never see padding
    mask = (causal[None] & valid[:, None, :]) | torch.eye(P, dtype=torch.bool)[None]
    logits = model(idx, pos, mask[:, None], caches)[:, -1]
    out, done = [[] for _ in range(B)], torch.zeros(B, dtype=torch.bool)
    last = pos[:, -1]
    for step in range(int(budget.max())):
        token = torch.multinomial(F.softmax(logits, -1), 1)[:, 0]
        for b in range(B):
            if not done[b]:
                out[b].append(int(token[b]))
                if token[b] == EOS or len(out[b]) >= budget[b]:
                    done[b] = True
        if bool(done.all()):
            break
        last = last + 1
        valid = torch.cat([valid, torch.ones(B, 1, dtype=torch.bool)], 1)
        logits = model(token[:, None], last.clamp(max=ctx - 1)[:, None], valid[:, None, None, :], caches)[:, -1]
    return out


def boxed(text):
    start = text.rfind("\\boxed{")
    if start < 0:
        return None
    depth, i = 1, start + 7
    while i < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[start + 7:i - 1] if depth == 0 else None


def main(model_dir, problems_path, steps):
    config = json.load(open(f"{model_dir}/config.json"))["model"]
    alphabet = json.load(open(f"{model_dir}/tokenizer.json"))["alphabet"]
    ids = {c: i + 3 for i, c in enumerate(alphabet)}
    CTX = config["maxSeqLen"]
    make = lambda: Model(config["vocabSize"], CTX, config["layers"], config["channels"], config["heads"])
    policy, reference = make(), make()
    policy.load(f"{model_dir}/model.safetensors"); reference.load(f"{model_dir}/model.safetensors")
    opt = torch.optim.AdamW(policy.parameters(), lr=1e-4, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.01)
    problems = [json.loads(line) for line in open(problems_path)]
    G, timings = 8, {"sampling": [], "reference": [], "update": [], "response_length": []}
    for step in range(steps + 1):
        batch = [problems[(step * 8 + i) % len(problems)] for i in range(8)]
        prompts = [[BOS] + [ids[c] for c in p["problem"] + " "] for p in batch for _ in range(G)]
        t0 = time.perf_counter()
        responses = sample(policy, prompts, CTX, 96)
        decode = lambda r: "".join(alphabet[t - 3] for t in r if t >= 3)
        rewards = torch.tensor([1.0 if boxed(decode(r)) == batch[i // G]["answer"] else 0.0 for i, r in enumerate(responses)])
        grouped = rewards.view(-1, G)
        adv = ((grouped - grouped.mean(1, keepdim=True)) / (grouped.std(1, keepdim=True) + 1e-6)).view(-1)
        t1 = time.perf_counter()
        seqs = [p + r for p, r in zip(prompts, responses)]
        T = max(len(s) for s in seqs)
        idx = torch.tensor([s + [PAD] * (T - len(s)) for s in seqs])
        tgt = torch.full((len(seqs), T), -1)
        for b, (p, s) in enumerate(zip(prompts, seqs)):
            tgt[b, len(p) - 1:len(s) - 1] = torch.tensor(s[len(p):])
        maskt = tgt >= 0
        pos = torch.arange(T)[None].expand(len(seqs), T)
        causal = torch.tril(torch.ones(T, T, dtype=torch.bool))[None, None]
        gather = tgt.clamp(min=0)[..., None]
        with torch.no_grad():
            ref_lp = F.log_softmax(reference(idx, pos, causal), -1).gather(-1, gather)[..., 0]
        t2 = time.perf_counter()
        logp = F.log_softmax(policy(idx, pos, causal), -1)
        lp = logp.gather(-1, gather)[..., 0]
        ratio = torch.exp(lp - lp.detach())
        a = adv[:, None].expand_as(lp)
        pg = torch.max(-a * ratio, -a * ratio.clamp(0.8, 1.2))
        d = ref_lp - lp
        kl = (torch.exp(d) - d - 1).clamp(-10, 10)
        ent = -(logp.exp() * logp).sum(-1)
        loss = ((pg + 0.001 * kl - 0.001 * ent) * maskt).sum() / maskt.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        opt.step()
        t3 = time.perf_counter()
        if step == 0:
            continue  # warm-up
        for key, value in [("sampling", t1 - t0), ("reference", t2 - t1), ("update", t3 - t2),
                           ("response_length", sum(map(len, responses)) / len(responses))]:
            timings[key].append(value)
    print(json.dumps(timings))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
