"""The peer of the sweep benchmark: the same sweep as a plain PyTorch loop on the CPU.

Reads one JSON object from argv[1]: {"images", "labels", "testImages", "testLabels" (MNIST IDX files),
"trainLimit", "testLimit", "validationSplit", "teacherHidden", "studentHidden", "epochs", "batchSize",
"lr", "temperatures", "seeds", "shareTeacher", "threads"}. For every temperature × seed it trains what
one run of the engine trains: the teacher on labels (once per seed when shareTeacher, its logits on the
training split cached), the student with 0.1·CE + 0.9·T²·KL, and the same student alone (the
baseline), each evaluated on validation and test after every epoch, one process, `threads` threads.
Prints one JSON object: the wall time, runs per hour, and the mean KD gain at the best-validation epoch.
"""
import json
import sys
import time

import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    try:
        import torch
    except ImportError as error:
        print(json.dumps({"available": False, "reason": f"PyTorch is not installed ({error})"}))
        return
    nn, F = torch.nn, torch.nn.functional
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg["threads"])
    started = time.perf_counter()
    rng = np.random.default_rng(0)
    x_all = read_idx(cfg["images"]).reshape(-1, 784).astype(np.float32) / 255.0
    y_all = read_idx(cfg["labels"]).astype(np.int64)
    pick = rng.choice(len(x_all), cfg["trainLimit"], replace=False)
    x_pool, y_pool = torch.from_numpy(x_all[pick]), torch.from_numpy(y_all[pick])
    x_test_all = read_idx(cfg["testImages"]).reshape(-1, 784).astype(np.float32) / 255.0
    y_test_all = read_idx(cfg["testLabels"]).astype(np.int64)
    pick = rng.choice(len(x_test_all), cfg["testLimit"], replace=False)
    x_test, y_test = torch.from_numpy(x_test_all[pick]), torch.from_numpy(y_test_all[pick])

    def mlp(hidden):
        layers, width = [], 784
        for units in hidden:
            layers += [nn.Linear(width, units), nn.ReLU()]
            width = units
        return nn.Sequential(*layers, nn.Linear(width, 10))

    def accuracy(model, x, y):
        with torch.no_grad():
            return (model(x).argmax(1) == y).float().mean().item()

    def split(seed):
        g = torch.Generator().manual_seed(seed)
        order = torch.randperm(len(x_pool), generator=g)
        held = int(len(order) * cfg["validationSplit"])
        return (x_pool[order[held:]], y_pool[order[held:]]), (x_pool[order[:held]], y_pool[order[:held]])

    def train(model, data, val, seed, teacher_logits=None, temperature=None):
        (x, y), (xv, yv) = data, val
        optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"], eps=1e-7)
        g = torch.Generator().manual_seed(seed)
        best = (-1.0, 0.0)
        for _ in range(cfg["epochs"]):
            order = torch.randperm(len(x), generator=g)
            for start in range(0, len(x), cfg["batchSize"]):
                idx = order[start:start + cfg["batchSize"]]
                logits = model(x[idx])
                loss = F.cross_entropy(logits, y[idx])
                if teacher_logits is not None:
                    t = temperature
                    kl = F.kl_div(F.log_softmax(logits / t, 1), F.log_softmax(teacher_logits[idx] / t, 1),
                                  reduction="batchmean", log_target=True)
                    loss = 0.1 * loss + 0.9 * t * t * kl
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
            val_acc, test_acc = accuracy(model, xv, yv), accuracy(model, x_test, y_test)
            if val_acc > best[0]:
                best = (val_acc, test_acc)
        return best[1]

    teachers = {}
    gains = []
    runs = 0
    for temperature in cfg["temperatures"]:
        for seed in cfg["seeds"]:
            data, val = split(seed)
            if cfg["shareTeacher"] and seed in teachers:
                logits = teachers[seed]
            else:
                torch.manual_seed(seed)
                teacher = mlp(cfg["teacherHidden"])
                train(teacher, data, val, seed)
                with torch.no_grad():
                    logits = teacher(data[0])
                teachers[seed] = logits
            torch.manual_seed(seed + 1000)
            student = mlp(cfg["studentHidden"])
            torch.manual_seed(seed + 1000)
            baseline = mlp(cfg["studentHidden"])
            distilled = train(student, data, val, seed, logits, float(temperature))
            alone = train(baseline, data, val, seed)
            gains.append(distilled - alone)
            runs += 1
    seconds = time.perf_counter() - started
    print(json.dumps({
        "available": True,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "shareTeacher": cfg["shareTeacher"],
        "runs": runs,
        "seconds": seconds,
        "runsPerHour": runs / seconds * 3600,
        "meanKdGainPts": 100 * sum(gains) / len(gains),
    }))


if __name__ == "__main__":
    main()
