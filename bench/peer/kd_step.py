"""The peer: the benchmark's KD training steps in PyTorch, on the CPU with two threads (KD_BENCH_PEER_THREADS).

Reads a JSON list of cases from argv[1], each {"pair": one of PAIRS, "teacher": "live" | "cached",
"steps": n, "warmup": n}, and prints one JSON object on stdout. The models (the engine's presets,
written again here layer for layer), loss (0.1·CE + 0.9·T²·KL at T = 4, batch mean) and optimizer
(Adam, lr 1e-3, eps 1e-7) mirror bench/kdStep.ts. Without torch it reports itself unavailable.
"""
import json
import os
import sys
import time

PAIRS = {
    "hinton-mlp": {"batch": 128, "input": (784,)},
    "lenet5-conv": {"batch": 64, "input": (1, 28, 28)},
    "resnet20-resnet8": {"batch": 128, "input": (3, 32, 32)},
    "vgg13-vgg11w0.5": {"batch": 128, "input": (3, 32, 32)},
    "resnet20-mobilenetv2w0.5": {"batch": 128, "input": (3, 32, 32)},
}

# The engine's batch norm: PyTorch's defaults (momentum 0.1, eps 1e-5), see src/engine/models/presetParts.ts.


def mlp(nn, hidden):
    layers, width = [], 784
    for units in hidden:
        layers += [nn.Linear(width, units), nn.ReLU()]
        width = units
    return nn.Sequential(*layers, nn.Linear(width, 10))


def lenet(nn, scale):
    """The engine's lenet5 preset on 28×28×1: conv1 pads ('same') so the maps keep LeNet's sizes."""
    w = lambda n: max(1, round(n * scale))
    return nn.Sequential(
        nn.Conv2d(1, w(6), 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(w(6), w(16), 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(w(16) * 25, w(120)), nn.ReLU(),
        nn.Linear(w(120), w(84)), nn.ReLU(),
        nn.Linear(w(84), 10),
    )


def conv_bn(nn, cin, cout, k=3, stride=1, relu=True, bias=False):
    layers = [nn.Conv2d(cin, cout, k, stride, padding=k // 2, bias=bias), nn.BatchNorm2d(cout)]
    return layers + [nn.ReLU()] if relu else layers


def resnet_cifar(nn, depth):
    """src/engine/models/resnetDepth.ts: stem 16, stages 16/32/64 of (depth - 2) / 6 basic blocks, 1×1 projections."""

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.body = nn.Sequential(*conv_bn(nn, cin, cout, 3, stride), *conv_bn(nn, cout, cout, 3, 1, relu=False))
            self.skip = nn.Sequential(*conv_bn(nn, cin, cout, 1, stride, relu=False)) if stride != 1 or cin != cout else nn.Identity()
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(self.body(x) + self.skip(x))

    n = (depth - 2) // 6
    layers, width = conv_bn(nn, 3, 16), 16
    for s, channels in enumerate([16, 32, 64]):
        for b in range(n):
            layers.append(Block(width, channels, 2 if s > 0 and b == 0 else 1))
            width = channels
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, 10))


VGG_PLANS = {
    11: [[64], [128], [256, 256], [512, 512], [512, 512]],
    13: [[64, 64], [128, 128], [256, 256], [512, 512], [512, 512]],
}


def vgg(nn, depth, scale):
    """src/engine/models/vgg.ts: conv (with bias), BN, ReLU; 2×2 max-pool after stages 1-3 (32×32 reaches stage 4 at 4×4)."""
    layers, width = [], 3
    for s, convs in enumerate(VGG_PLANS[depth]):
        for filters in convs:
            out = max(1, round(filters * scale))
            layers += conv_bn(nn, width, out, bias=True)
            width = out
        if s < 3:
            layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, 10))


def mobilenet_v2(nn, scale):
    """src/engine/models/mobilenetV2.ts: stride-2 stem, inverted residuals (the 1×1 expansion always present), 1280 head."""

    class Inverted(nn.Module):
        def __init__(self, cin, cout, stride, t):
            super().__init__()
            hidden = cin * t
            self.body = nn.Sequential(
                *conv_bn(nn, cin, hidden, 1),
                nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden), nn.ReLU(),
                *conv_bn(nn, hidden, cout, 1, relu=False),
            )
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            return x + self.body(x) if self.residual else self.body(x)

    ch = lambda c: max(1, int(c * scale))
    layers, width = conv_bn(nn, 3, ch(32), 3, 2), ch(32)
    plan = [[1, 16, 1, 1], [6, 24, 2, 1], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]
    for t, channels, blocks, stride in plan:
        for b in range(blocks):
            layers.append(Inverted(width, ch(channels), stride if b == 0 else 1, t))
            width = ch(channels)
    head = ch(1280) if scale > 1 else 1280
    return nn.Sequential(*layers, *conv_bn(nn, width, head, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(head, 10))


def models(nn, pair):
    if pair == "hinton-mlp":
        return mlp(nn, [1200, 1200]), mlp(nn, [800, 800])
    if pair == "lenet5-conv":
        return lenet(nn, 1.0), lenet(nn, 0.5)
    if pair == "resnet20-resnet8":
        return resnet_cifar(nn, 20), resnet_cifar(nn, 8)
    if pair == "vgg13-vgg11w0.5":
        return vgg(nn, 13, 1.0), vgg(nn, 11, 0.5)
    if pair == "resnet20-mobilenetv2w0.5":
        return resnet_cifar(nn, 20), mobilenet_v2(nn, 0.5)
    raise ValueError(f"unknown pair {pair}")


def blas_in_use(torch):
    """The BLAS shared library this process has actually loaded (Debian's torch links the generic libblas)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1].rsplit("/", 1)[-1] for line in maps if "blas" in line}
        return sorted(libs)
    except OSError:
        return []


def build_facts(config):
    """What torch.__config__.show() says about the libraries its kernels come from."""
    facts = {}
    for line in config.splitlines():
        line = line.strip(" -")
        if "Math Kernel Library" in line:
            facts["mkl"] = line
        elif "MKL-DNN" in line or "oneDNN" in line:
            facts["onednn"] = line.split(" (Git")[0]
        elif line.startswith("CPU capability usage"):
            facts["cpuCapability"] = line.split(":", 1)[1].strip()
        elif "OpenBLAS" in line:
            facts["openblas"] = line
    return facts


def run_case(torch, case):
    nn, F = torch.nn, torch.nn.functional
    spec = PAIRS[case["pair"]]
    torch.manual_seed(1)
    teacher, student = models(nn, case["pair"])
    teacher.eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    optimizer = torch.optim.Adam(student.parameters(), lr=1e-3, eps=1e-7)
    batch = spec["batch"]
    batches = 8
    xs = torch.rand(batches, batch, *spec["input"])
    ys = torch.randint(0, 10, (batches, batch))
    cached = case["teacher"] == "cached"
    with torch.no_grad():
        table = torch.stack([teacher(xs[i]) for i in range(batches)]) if cached else None
    temperature = 4.0

    def step(i):
        x, y = xs[i % batches], ys[i % batches]
        if cached:
            t_logits = table[i % batches]
        else:
            with torch.no_grad():
                t_logits = teacher(x)
        s_logits = student(x)
        ce = F.cross_entropy(s_logits, y)
        kl = F.kl_div(F.log_softmax(s_logits / temperature, 1), F.log_softmax(t_logits / temperature, 1), reduction="batchmean", log_target=True)
        loss = 0.1 * ce + 0.9 * temperature ** 2 * kl
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()

    for i in range(case["warmup"]):
        step(i)
    times, cpu = [], []
    for i in range(case["steps"]):
        start, cpu_start = time.perf_counter(), time.process_time()
        step(i)
        times.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - cpu_start) * 1e3)
    ordered = sorted(times)
    median = ordered[len(ordered) // 2]
    return {
        "pair": case["pair"],
        "teacher": case["teacher"],
        "batchSize": batch,
        "steps": case["steps"],
        "msPerStep": median,
        "minMs": ordered[0],
        # CPU time of every thread; OpenMP threads spin while they wait, so this overstates the work.
        "cpuMsPerStep": sorted(cpu)[len(cpu) // 2],
        "samplesPerSecond": batch / median * 1e3,
        "stepMs": times,
    }


def main():
    try:
        import torch
    except ImportError as error:
        print(json.dumps({"available": False, "reason": f"PyTorch is not installed ({error})"}))
        return
    cases = json.loads(sys.argv[1])
    # Two threads, as on the machines the targets were set on; KD_BENCH_PEER_THREADS matches the
    # engine's thread count where the machine's load leaves it one thread (a like-for-like ratio).
    torch.set_num_threads(int(os.environ.get("KD_BENCH_PEER_THREADS", "2")))
    config = torch.__config__.show()
    blas_info = next((part.split("=", 1)[1] for part in config.replace(",", "\n").split() if part.startswith("BLAS_INFO=")), "unknown")
    loaded = blas_in_use(torch)
    print(json.dumps({
        "available": True,
        "torch": torch.__version__,
        "build": build_facts(config),
        "threads": torch.get_num_threads(),
        "configMentionsOpenblas": "openblas" in config.lower(),
        "blasInfo": blas_info,
        "blasLoaded": loaded,
        "openblasLoaded": any("openblas" in lib for lib in loaded),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "results": [run_case(torch, case) for case in cases],
    }))


if __name__ == "__main__":
    main()
