"""The peer: the benchmark's KD training steps in PyTorch, on the CPU with two threads.

Reads a JSON list of cases from argv[1], each {"pair": "hinton-mlp" | "lenet5-conv",
"teacher": "live" | "cached", "steps": n, "warmup": n}, and prints one JSON object on stdout.
The models, loss (0.1·CE + 0.9·T²·KL at T = 4, batch mean) and optimizer (Adam, lr 1e-3,
eps 1e-7) mirror bench/kdStep.ts. Without torch it reports itself unavailable.
"""
import json
import sys
import time

PAIRS = {
    "hinton-mlp": {"batch": 128, "input": (784,)},
    "lenet5-conv": {"batch": 64, "input": (1, 28, 28)},
}


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


def models(nn, pair):
    if pair == "hinton-mlp":
        return mlp(nn, [1200, 1200]), mlp(nn, [800, 800])
    return lenet(nn, 1.0), lenet(nn, 0.5)


def blas_in_use(torch):
    """The BLAS shared library this process has actually loaded (Debian's torch links the generic libblas)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1].rsplit("/", 1)[-1] for line in maps if "blas" in line}
        return sorted(libs)
    except OSError:
        return []


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
    times = []
    for i in range(case["steps"]):
        start = time.perf_counter()
        step(i)
        times.append((time.perf_counter() - start) * 1e3)
    ordered = sorted(times)
    median = ordered[len(ordered) // 2]
    return {
        "pair": case["pair"],
        "teacher": case["teacher"],
        "batchSize": batch,
        "steps": case["steps"],
        "msPerStep": median,
        "minMs": ordered[0],
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
    torch.set_num_threads(2)
    config = torch.__config__.show()
    blas_info = next((part.split("=", 1)[1] for part in config.replace(",", "\n").split() if part.startswith("BLAS_INFO=")), "unknown")
    loaded = blas_in_use(torch)
    print(json.dumps({
        "available": True,
        "torch": torch.__version__,
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
