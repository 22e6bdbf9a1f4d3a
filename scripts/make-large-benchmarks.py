#!/usr/bin/env python3
"""Writes benchmark files far larger than the test fixtures, for bench/parser-memory.ts.

    python3 scripts/make-large-benchmarks.py OUT_DIR [--nats N] [--nlp N] [--zc-copies N]

Not fixtures (nothing is committed): the files only need the real formats and realistic entry
sizes, so the memory bound of each streaming importer can be measured on them.
- OUT_DIR/nats.tar: N per-arch NATS topology files (bz2 pickle protocol 4, every epoch's
  accuracy, loss and time for 3 seeds x 4 datasets like the real ~84 KB entries) + meta.pickle.pbz2.
- OUT_DIR/nbnlp.zip: N NAS-Bench-NLP training logs (50 epochs each, some with bare NaN).
- OUT_DIR/zc_nasbench201.json: Suite-Zero {score, time} layout, all 15,625 NB201 archs for each of
  N dataset keys (the real file has 3).
Needs python3 and numpy only; deterministic.
"""
import argparse
import bz2
import io
import itertools
import json
import multiprocessing
import os
import pickle
import random
import tarfile
import zipfile
from collections import OrderedDict

import numpy as np

OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']
PROXIES = ['epe_nas', 'fisher', 'flops', 'grad_norm', 'grasp', 'jacov', 'l2_norm', 'nwot', 'params', 'plain', 'snip', 'synflow', 'zen']
SPLITS = {'cifar10-valid': ['x-valid', 'ori-test'], 'cifar10': ['ori-test'], 'cifar100': ['x-valid', 'x-test', 'ori-test'], 'ImageNet16-120': ['x-valid', 'x-test', 'ori-test']}


def all_archs():
    """The 15,625 NB201 arch strings (our order; the bench needs distinct names, not NATS's index)."""
    for o in itertools.product(OPS, repeat=6):
        yield '|%s~0|+|%s~0|%s~1|+|%s~0|%s~1|%s~2|' % o


def arch_results(index, arch, hp, rng):
    results = OrderedDict()
    seeds = {}
    for dataset, sets in SPLITS.items():
        for seed in (777, 888, 999):
            acc = lambda: np.float64(rng.uniform(10, 95))
            results[(dataset, seed)] = {
                'name': dataset, 'seed': seed, 'epochs': hp, 'net_state_dict': None,
                'params': np.float64(rng.uniform(0.1, 1.5)), 'flop': np.float64(rng.uniform(10, 200)), 'latency': [np.float64(0.01)],
                'eval_names': sets,
                'eval_acc1es': {'%s@%d' % (s, e): acc() for s in sets for e in range(hp)},
                'eval_losses': {'%s@%d' % (s, e): np.float64(rng.uniform(0, 3)) for s in sets for e in range(hp)},
                'eval_times': {'%s@%d' % (s, e): np.float64(rng.uniform(0, 9)) for s in sets for e in range(hp)},
                'train_acc1es': {e: acc() for e in range(hp)}, 'train_losses': {e: np.float64(rng.uniform(0, 3)) for e in range(hp)},
                'train_times': {e: np.float64(rng.uniform(0, 30)) for e in range(hp)},
                'arch_config': {'channel': 16, 'num_cells': 5, 'arch_str': arch, 'class_num': 10},
            }
            seeds.setdefault(dataset, []).append(seed)
    return {'arch_index': index, 'arch_str': arch, 'all_results': results, 'dataset_seed': seeds, 'clear_net_done': True}


def pbz2(value):
    # The C pickler names numpy scalars 'numpy._core.multiarray' (numpy 2); the importer takes both names.
    return bz2.compress(pickle.dumps(value, protocol=4), 9)


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def nats_entry(job):
    index, arch = job
    # One 200-epoch budget per file keeps generation time down; real files also hold the 12-epoch one.
    return pbz2(OrderedDict([('200', arch_results(index, arch, 200, random.Random(index)))]))


def nats(path, count):
    archs = list(all_archs())[:count]
    with tarfile.open(path, 'w', format=tarfile.USTAR_FORMAT) as tar, multiprocessing.Pool() as pool:
        for index, data in enumerate(pool.imap(nats_entry, enumerate(archs), chunksize=8)):
            add(tar, 'NATS-tss-v1_0-3ffb9-simple/%06d.pickle.pbz2' % index, data)
        add(tar, 'NATS-tss-v1_0-3ffb9-simple/meta.pickle.pbz2', pbz2({'meta_archs': archs, 'total_archs': len(archs), 'arch2infos': None, 'evaluated_indexes': set()}))


def nlp(path, count):
    rng = random.Random(2)
    nodes = ['linear', 'blend', 'elementwise_prod', 'elementwise_sum', 'activation_tanh', 'activation_sigm', 'activation_leaky_relu']
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for i in range(count):
            recepie = {'node_%d' % n: {'op': rng.choice(nodes), 'input': ['x', 'h_prev_0']} for n in range(8)}
            recepie['h_new_0'] = {'op': 'activation_tanh', 'input': ['node_%d' % (i % 8)]}
            losses = lambda: [round(rng.uniform(4, 7), 6) for _ in range(50)]
            log = {'data': 'data/ptb', 'recepie_id': i // 3, 'recepies_list_path': 'data/models_recepies.json', 'batch_size': 20, 'model': 'CustomRNN', 'emsize': 400, 'nhid': 600,
                   'nlayers': 3, 'bptt': 70, 'lr': 0.001, 'epochs': 50, 'recepie': json.dumps(recepie), 'experiment_id': i, 'init_time': '2020-05-05_22-47-26',
                   'num_params': rng.randrange(10**6, 10**8), 'wall_times': losses(), 'train_losses': losses(), 'val_losses': losses(), 'test_losses': losses(), 'status': 'OK'}
            text = json.dumps(log)
            if i % 97 == 0:
                text = text.replace(str(log['test_losses'][-1]) + ']', 'NaN]')
            z.writestr('train_logs_single_run/log_stats_model_%d_2020-05-05_22-47-26_%d.json' % (i // 3, i), text)


def suite_zero(path, copies):
    rng = random.Random(3)
    index = {a: i for i, a in enumerate(all_archs())}
    with open(path, 'w') as f:
        f.write('{')
        for d in range(copies):
            f.write('%s"dataset%d": {' % (',' if d else '', d))
            for i, arch in enumerate(all_archs()):
                ops = [OPS.index(op.split('~')[0]) for op in arch.strip('|').replace('+|', '').split('|')]
                # NASLib op index order: skip_connect, none, nor_conv_3x3, nor_conv_1x1, avg_pool_3x3.
                naslib = [[1, 0, 3, 2, 4][o] for o in ops]
                key = str(tuple(naslib[j] for j in (0, 1, 3, 2, 4, 5)))
                entry = {p: {'score': rng.uniform(-10, 10), 'time': rng.uniform(0, 1)} for p in PROXIES}
                entry['val_accuracy'] = rng.uniform(10, 95)
                entry['idx'] = index[arch]
                f.write('%s%s: %s' % (',' if i else '', json.dumps(key), json.dumps(entry)))
            f.write('}')
        f.write('}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out')
    parser.add_argument('--nats', type=int, default=2000)
    parser.add_argument('--nlp', type=int, default=15000)
    parser.add_argument('--zc-copies', type=int, default=20)
    parser.add_argument('--only', choices=['nats', 'nbnlp', 'suite-zero'])
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.only in (None, 'nats'):
        nats(os.path.join(args.out, 'nats.tar'), args.nats)
    if args.only in (None, 'nbnlp'):
        nlp(os.path.join(args.out, 'nbnlp.zip'), args.nlp)
    if args.only in (None, 'suite-zero'):
        suite_zero(os.path.join(args.out, 'zc_nasbench201.json'), args.zc_copies)


if __name__ == '__main__':
    main()
