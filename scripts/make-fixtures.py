#!/usr/bin/env python3
"""Writes the binary fixtures of tests/benchmarks and tests/data (committed; rerun to regenerate).

    python3 scripts/make-fixtures.py [--nlp-logs PATH/TO/train_logs_wikitext-2/logs.zip]

Needs python3 and numpy only. Everything is deterministic. Python itself computes the expected
values (tests/fixtures/**/expected.json), so the TypeScript parsers are checked against Python's
own reading of the same bytes, not against themselves.

Sources:
- nats/sample/*.pickle.pbz2 are copied unchanged from D-X-Y/NATS-Bench (MIT licence),
  fake_torch_dir/NATS-tss-v1_0-3ffb9-simple/ at commit 1d4a304: real NATS topology files.
- nbnlp/real/*.json are six logs copied unchanged from fmsnew/nas-bench-nlp-release
  (Apache-2.0), train_logs_wikitext-2/logs.zip at commit a6d90a3 (pass --nlp-logs to refresh).
"""
import argparse
import bz2
import io
import itertools
import json
import math
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np

# Fixtures of the parsers; those of the dataset readers go to the sibling folder tests/fixtures/data.
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'benchmarks')
DATA_ROOT = os.path.join(ROOT, '..', 'data')
NLP_FILES = [
    'log_stats_model_1000000_2020-04-28_17-16-54_999988992.json',
    'log_stats_model_1001441_2020-05-05_16-57-34_999965779.json',
    'log_stats_model_1003441_2020-05-05_23-20-41_999968356.json',
    'log_stats_model_1005441_2020-04-28_19-39-48_999998483.json',
    'log_stats_model_1007257_2020-05-05_16-57-23_999958405.json',
    'log_stats_model_1009182_2020-05-05_22-47-26_999929401.json',
]


def out(*parts, root=None):
    path = os.path.join(root or ROOT, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def write(path, data):
    with open(path, 'wb') as f:
        f.write(data)


def dump_json(path, value):
    with open(path, 'w') as f:
        json.dump(value, f, indent=1, sort_keys=True, allow_nan=False)
        f.write('\n')


# --------------------------------------------------------------------------------------------
# NATS: expected values of the real sample files, computed the way the NATS API does
# (get_metrics(is_random=False): np.mean over seeds of eval_acc1es['<set>@<epochs-1>']).

def nats_expected():
    sample = os.path.join(ROOT, 'nats', 'sample')
    archs = {}
    for name in sorted(os.listdir(sample)):
        with open(os.path.join(sample, name), 'rb') as f:
            data = pickle.loads(bz2.decompress(f.read()))
        if name.startswith('meta'):
            archs['meta'] = {'count': len(data['meta_archs']), 'first': data['meta_archs'][0], 'last': data['meta_archs'][-1]}
            continue
        rows = {}
        costs = {}
        for hp, info in data.items():
            groups = {}
            for (dataset, seed), r in info['all_results'].items():
                for s in ('x-valid', 'x-test', 'ori-test'):
                    key = '%s@%d' % (s, r['epochs'] - 1)
                    if key in r['eval_acc1es']:
                        groups.setdefault((dataset, s), []).append(r['eval_acc1es'][key])
                if hp == '200':
                    c = costs.setdefault(dataset, {'params': [], 'flops': [], 'latency': []})
                    c['params'].append(float(r['params']))
                    c['flops'].append(float(r['flop']))
                    c['latency'].append(float(np.mean(r['latency'])))
            for (dataset, s), values in groups.items():
                rows['%s/%s/%s' % (dataset, s, hp)] = {
                    'mean': float(np.mean(values)), 'min': float(min(values)), 'max': float(max(values)), 'seeds': len(values)}
        archs[name.split('.')[0]] = {
            'index': data['200']['arch_index'],
            'arch': data['200']['arch_str'],
            'accuracies': rows,
            'costs': {d: {k: float(np.mean(v)) for k, v in c.items()} for d, c in costs.items()},
        }
    dump_json(out('nats', 'expected.json'), archs)


class NumpyCoreNames(pickle._Pickler):
    """Writes numpy scalars with the 'numpy.core.multiarray' global the real (numpy 1.x) files use."""

    def save_global(self, obj, name=None):
        if obj is np._core.multiarray.scalar:
            self.save('numpy.core.multiarray')
            self.save('scalar')
            self.write(pickle.STACK_GLOBAL)
            self.memoize(obj)
            return
        super().save_global(obj, name)


def nats_synthetic():
    """One per-arch file with chosen numbers (arch 7), and hostile files that must be refused."""
    arch = '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|'

    def results(dataset, seed, epochs, accs):
        return {
            'name': dataset, 'seed': '%04d' % seed, 'epochs': epochs, 'net_state_dict': None,
            'params': np.float64(0.5 + (dataset == 'cifar100') * 0.01), 'flop': 70.25, 'latency': [np.float64(0.01), np.float64(0.03)],
            'eval_names': list(accs), 'eval_acc1es': {'%s@%d' % (s, epochs - 1): v for s, v in accs.items()},
            'eval_losses': {'%s@%d' % (s, epochs - 1): 1.0 for s in accs},
            'train_acc1es': {epochs - 1: 99.0}, 'arch_config': {'channel': 16, 'num_cells': 5, 'arch_str': arch, 'class_num': 10},
        }

    def arch_results(hp, table):
        all_results = OrderedDict()
        seeds = {}
        for (dataset, seed), accs in table.items():
            all_results[(dataset, seed)] = results(dataset, seed, hp, accs)
            seeds.setdefault(dataset, []).append(seed)
        return {'arch_index': 7, 'arch_str': arch, 'all_results': all_results, 'dataset_seed': seeds, 'clear_net_done': True}

    full = {
        ('cifar10-valid', 777): {'x-valid': 90.0, 'ori-test': 89.0},
        ('cifar10-valid', 888): {'x-valid': 91.0, 'ori-test': 90.0},
        ('cifar10', 777): {'ori-test': 93.5},
        ('cifar10', 888): {'ori-test': 94.5},
        ('cifar10', 999): {'ori-test': 92.5},
        ('cifar100', 777): {'x-valid': 70.0, 'x-test': 71.0, 'ori-test': 70.5},
    }
    less = {('cifar10-valid', 111): {'x-valid': 60.0, 'x-test': 61.0, 'ori-test': 62.0}}
    data = OrderedDict([('12', arch_results(12, less)), ('200', arch_results(200, full))])
    buffer = io.BytesIO()
    NumpyCoreNames(buffer, protocol=4).dump(data)
    write(out('nats', 'synthetic', '000007.pickle.pbz2'), bz2.compress(buffer.getvalue()))
    # The same data through the stock pickler: numpy 2 names ('numpy._core.multiarray').
    write(out('nats', 'synthetic', 'numpy2-names.pickle.pbz2'), bz2.compress(pickle.dumps(data, protocol=4)))
    # Hostile: REDUCE on os.system (protocol 0 text) and builtins.eval (protocol 4). The command
    # would create a marker file if it ever ran.
    marker = '/tmp/epsinas-pickle-was-executed'
    write(out('nats', 'synthetic', 'os-system.pickle.pbz2'), bz2.compress(b"cos\nsystem\n(S'touch %s'\ntR." % marker.encode()))

    class Evil:
        def __reduce__(self):
            return (eval, ("open(%r, 'w').write('x')" % marker,))
    write(out('nats', 'synthetic', 'eval.pickle.pbz2'), bz2.compress(pickle.dumps(Evil(), protocol=4)))


def nats_sss_synthetic():
    """NATS-Bench size ("sss") files with chosen numbers, in the layout of NATS-sss-v1_0-50262-simple
    (checked against the real sample files in D-X-Y/NATS-Bench fake_torch_dir/ at commit 1d4a304,
    which are not copied here): meta.pickle.pbz2 with all 32,768 arch strings in index order
    (itertools.product, last place fastest) and archs 11 and 284 trained under the budgets '01'
    (seed 777), '12' (seeds 777, 888, 999) and '90' (seed 777), as the real files are. Plus one file
    whose arch_str is not the arch at its arch_index. Expected values are computed here, as the
    NATS API does (np.mean over seeds of the final epoch's eval_acc1es)."""
    channels = [8, 16, 24, 32, 40, 48, 56, 64]
    meta_archs = [':'.join(str(c) for c in places) for places in itertools.product(channels, repeat=5)]
    meta = {'meta_archs': meta_archs, 'total_archs': len(meta_archs), 'arch2infos': None, 'evaluated_indexes': set()}
    write(out('nats-sss', 'synthetic', 'meta.pickle.pbz2'), bz2.compress(pickle.dumps(meta, protocol=4)))
    sets = {'cifar10-valid': ['x-valid', 'ori-test'], 'cifar10': ['ori-test'], 'cifar100': ['x-valid', 'x-test', 'ori-test'],
            'ImageNet16-120': ['x-valid', 'x-test', 'ori-test']}
    offset = {'cifar10-valid': 30.0, 'cifar10': 35.0, 'cifar100': 10.0, 'ImageNet16-120': 0.0}
    seeds = {'01': [777], '12': [777, 888, 999], '90': [777]}

    def accuracy(index, dataset, split, hp, seed):
        # Multiples of 1/8: every mean below is exact in float64.
        return 20.0 + offset[dataset] + int(hp) / 4 + index / 8 + ['x-valid', 'x-test', 'ori-test'].index(split) + (seed - 777) / 888 * 0.5

    def results(index, arch, dataset, hp, seed):
        epochs = int(hp)
        acc1es = OrderedDict()
        for s in sets[dataset]:
            if epochs > 1:
                acc1es['%s@%d' % (s, epochs - 2)] = 1.0  # an earlier epoch: must not be read
            acc1es['%s@%d' % (s, epochs - 1)] = accuracy(index, dataset, s, hp, seed)
        params = 0.01 + index / 1000 + (dataset == 'cifar100') * 0.001
        return {
            'name': dataset, 'seed': '%04d' % seed, 'epochs': epochs, 'net_state_dict': None,
            'params': params, 'flop': 4.5 + index, 'latency': [np.float64(0.0125 + index / 10000)],
            'eval_names': sets[dataset], 'eval_acc1es': acc1es, 'eval_losses': {k: 1.0 for k in acc1es},
            'train_acc1es': {epochs - 1: 50.0}, 'arch_config': {'name': 'infer.shape.tiny', 'channels': arch, 'genotype': None, 'num_classes': 10},
        }

    def arch_file(index, arch_str):
        data = OrderedDict()
        for hp in ('01', '12', '90'):
            all_results = OrderedDict()
            for seed in seeds[hp]:
                for dataset in sets:
                    all_results[(dataset, seed)] = results(index, arch_str, dataset, hp, seed)
            data[hp] = {'arch_index': index, 'arch_str': arch_str, 'all_results': all_results,
                        'dataset_seed': {d: seeds[hp] for d in sets}, 'clear_net_done': True}
        return data

    expected = {'meta': {'count': len(meta_archs), 'first': meta_archs[0], 'last': meta_archs[-1]}}
    for index in (11, 284):
        data = arch_file(index, meta_archs[index])
        write(out('nats-sss', 'synthetic', '%06d.pickle.pbz2' % index), bz2.compress(pickle.dumps(data, protocol=4)))
        rows = {}
        for hp, info in data.items():
            groups = {}
            for (dataset, seed), r in info['all_results'].items():
                for s in sets[dataset]:
                    groups.setdefault((dataset, s), []).append(r['eval_acc1es']['%s@%d' % (s, r['epochs'] - 1)])
            for (dataset, s), values in groups.items():
                rows['%s/%s/%d' % (dataset, s, int(hp))] = {'mean': float(np.mean(values)), 'min': min(values), 'max': max(values), 'seeds': len(values)}
        costs = {d: {'params': float(np.mean([r['params'] for (ds, _), r in data['90']['all_results'].items() if ds == d])),
                     'flops': float(np.mean([r['flop'] for (ds, _), r in data['90']['all_results'].items() if ds == d])),
                     'latency': float(np.mean([np.mean(r['latency']) for (ds, _), r in data['90']['all_results'].items() if ds == d]))} for d in sets}
        expected['%06d' % index] = {'index': index, 'arch': meta_archs[index], 'accuracies': rows, 'costs': costs}
    # arch_index 11 with another arch's string: the size space's index order says 8:8:8:16:32.
    write(out('nats-sss', 'synthetic', 'misordered.pickle.pbz2'), bz2.compress(pickle.dumps(arch_file(11, '8:8:8:16:40'), protocol=4)))
    dump_json(out('nats-sss', 'expected.json'), expected)


# --------------------------------------------------------------------------------------------
# Pickle unit fixtures: one value in every protocol, plus expected JSON (tagged where JSON lacks the type).

def pickles():
    value = OrderedDict([
        ('ints', [0, 1, -1, 255, 256, 65535, 65536, -2 ** 31, 2 ** 31 - 1, 2 ** 40, -(2 ** 62), 2 ** 70]),
        ('floats', [0.5, -1.25e-300, 1e300, float('inf'), float('-inf')]),
        ('text', ['', 'ascii', 'caf\u00e9 \u2192 \U0001f600', 'x' * 300]),
        ('bytes', b'\x00\x80\x9f\xff'),
        ('nested', {('cifar10', 777): [True, False, None], 'k': ('a', 1, (2,))}),
        ('set', {3}),
        ('frozen', frozenset([4])),
        ('f8', np.float64(85.86333333333333)),
        ('f4', np.float32(0.1)),
        ('i8', np.int64(-7)),
        ('u1array', np.arange(6, dtype=np.uint8).reshape(2, 3)),
        ('f8array', np.array([1.5, -2.0])),
    ])
    expected = {
        'ints': [0, 1, -1, 255, 256, 65535, 65536, -2 ** 31, 2 ** 31 - 1, 2 ** 40, {'bigint': str(-(2 ** 62))}, {'bigint': str(2 ** 70)}],
        'floats': [0.5, -1.25e-300, 1e300, 'inf', '-inf'],
        'text': value['text'],
        'bytes': {'hex': '00809fff'},
        'f8': 85.86333333333333,
        'f4': float(np.float32(0.1)),
        'i8': -7,
        'u1array': {'shape': [2, 3], 'dtype': 'u1', 'hex': '000102030405'},
        'f8array': {'shape': [2], 'dtype': 'f8', 'values': [1.5, -2.0]},
    }
    for protocol in range(0, 6):
        write(out('pickles', 'value-p%d.pkl' % protocol), pickle.dumps(value, protocol=protocol))
    dump_json(out('pickles', 'expected.json'), expected)
    # Two pickles back to back, as Graphics.ipynb reads them with a pickle.load loop.
    write(out('pickles', 'concatenated.pkl'), pickle.dumps({'a': 1}, protocol=2) + pickle.dumps([2, 3], protocol=4))


# --------------------------------------------------------------------------------------------
# ImageNet16-120: Chrabaszcz-style batches. The originals came from Python 2 (loaded with
# encoding='latin1'), so two files are written the way Python 2's pickle would: protocol 0 (text)
# and protocol 2 with str (BINSTRING) data; the others come from Python 3's pickler.

def py2_array_pickle(data, labels, mean, protocol):
    """A Python-2 pickle of {'data': uint8 (N, 768), 'labels': [...], 'mean': float64 (768,)}."""
    def string(b):
        if protocol == 0:
            return b'S' + repr(bytes(b))[1:].encode('latin1') + b'\n'
        return (b'U' + bytes([len(b)]) if len(b) < 256 else b'T' + len(b).to_bytes(4, 'little')) + bytes(b)

    def integer(i):
        return b'I%d\n' % i if protocol == 0 else (b'K' + bytes([i]) if 0 <= i < 256 else b'M' + i.to_bytes(2, 'little'))

    def tup(items):
        return b'(' + b''.join(items) + b't'

    def glob(module, name):
        return b'c%s\n%s\n' % (module, name)

    def array(arr, code):
        dtype = glob(b'numpy', b'dtype') + tup([string(code), integer(0), integer(1)]) + b'R' + \
            tup([integer(3), string(b'<' if code == b'f8' else b'|'), b'N', b'N', b'N', (b'I-1\n' if protocol == 0 else b'J\xff\xff\xff\xff'),
                 (b'I-1\n' if protocol == 0 else b'J\xff\xff\xff\xff'), integer(0)]) + b'b'
        return glob(b'numpy.core.multiarray', b'_reconstruct') + tup([glob(b'numpy', b'ndarray'), tup([integer(0)]), string(b'b')]) + b'R' + \
            tup([integer(1), tup([integer(n) for n in arr.shape]), dtype, b'I00\n', string(arr.tobytes())]) + b'b'

    pairs = [(string(b'data'), array(data, b'u1')),
             (string(b'labels'), b'(l' + b''.join(integer(l) + b'a' for l in labels) if protocol == 0 else b']' + b'(' + b''.join(integer(l) for l in labels) + b'e')]
    if mean is not None:
        pairs.append((string(b'mean'), array(mean, b'f8')))
    if protocol == 0:
        # Text protocol: an empty dict, then one SETITEM per pair.
        return b'(d' + b''.join(k + v + b's' for k, v in pairs) + b'.'
    return b'\x80\x02}(' + b''.join(k + v for k, v in pairs) + b'u.'


def imagenet16():
    rng = np.random.RandomState(0)
    batches = []
    labels_per_file = [[1, 500, 120, 7, 121, 3], [2, 999, 60], [119, 1000, 5, 9], [1, 2]]
    for n, labels in enumerate(labels_per_file):
        data = rng.randint(0, 256, size=(len(labels), 768)).astype(np.uint8)
        data[:, 0] = 0x80 + n  # bytes in 0x80..0x9f must survive (no windows-1252 text decoding)
        batches.append((data, labels))
    mean = np.linspace(0, 1, 768)
    write(out('imagenet16', 'train_data_batch_1'), py2_array_pickle(batches[0][0], batches[0][1], mean, 2))
    write(out('imagenet16', 'train_data_batch_2'), py2_array_pickle(batches[1][0], batches[1][1], mean, 0))
    with open(out('imagenet16', 'train_data_batch_3'), 'wb') as f:
        pickle.dump({'data': batches[2][0], 'labels': batches[2][1], 'mean': mean}, f, protocol=3)
    with open(out('imagenet16', 'val_data'), 'wb') as f:
        pickle.dump({'data': batches[3][0], 'labels': batches[3][1]}, f, protocol=4)
    # Check with Python itself that the hand-written Python-2 pickles load as the originals do.
    for name, (data, labels) in zip(['train_data_batch_1', 'train_data_batch_2'], batches):
        with open(out('imagenet16', name), 'rb') as f:
            loaded = pickle.load(f, encoding='latin1')
        assert (loaded['data'] == data).all() and loaded['labels'] == labels, name
    expected = {}
    for name, (data, labels) in zip(['train_data_batch_1', 'train_data_batch_2', 'train_data_batch_3', 'val_data'], batches):
        expected[name] = {'labels': labels, 'rows_hex': [row.tobytes().hex() for row in data]}
    dump_json(out('imagenet16', 'expected.json'), expected)


# --------------------------------------------------------------------------------------------
# NAS-Bench-NLP: real logs zipped as the release does (deflate, names at the root), expected
# values as epsinas computes them (final test loss; runs grouped by recepie; nanmean/min/max).

def nbnlp(logs_zip):
    real = os.path.join(ROOT, 'nbnlp', 'real')
    if logs_zip:
        with zipfile.ZipFile(logs_zip) as z:
            for name in NLP_FILES:
                write(out('nbnlp', 'real', name), z.read(name))
    texts = {name: open(os.path.join(real, name), 'rb').read() for name in NLP_FILES}

    def zip_of(path, members):
        with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=(2020, 5, 5, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, data)

    zip_of(out('nbnlp', 'logs.zip'), sorted(texts.items()))
    zip_of(out('nbnlp', 'malformed.zip'), sorted(texts.items())[:2] + [('log_stats_model_9_x_1.json', b'{"recepie": ')])
    zip_of(out('nbnlp', 'traversal.zip'), [('../evil.json', b'{}')])
    with zipfile.ZipFile(out('nbnlp', 'symlink.zip'), 'w') as z:
        info = zipfile.ZipInfo('link.json')
        info.create_system = 3
        info.external_attr = (0o120777) << 16
        z.writestr(info, b'/etc/passwd')

    groups = {}
    runs = {}
    for name, text in sorted(texts.items()):
        log = json.loads(text)
        last = lambda key: (log[key][-1] if log[key] else float('nan'))
        test = last('test_losses')
        runs[name] = {'test': None if math.isnan(test) else test, 'epochs': len(log['test_losses']), 'status': log['status'], 'recepie_id': log['recepie_id']}
        groups.setdefault(json.dumps(json.loads(log['recepie']), sort_keys=True), []).append(test)
    models = []
    for recepie, losses in groups.items():
        finite = [x for x in losses if not math.isnan(x)]
        models.append({'recepie': recepie, 'runs': len(losses), 'finite': len(finite),
                       'mean': float(np.nanmean(losses)) if finite else None,
                       'min': float(np.nanmin(losses)) if finite else None,
                       'max': float(np.nanmax(losses)) if finite else None})
    dump_json(out('nbnlp', 'expected.json'), {'runs': runs, 'models': sorted(models, key=lambda m: m['recepie'])})


# --------------------------------------------------------------------------------------------
# Normalisation: torchvision ToTensor + Normalize in float32, for a few pixel values per channel.

def normalisation():
    constants = {
        'cifar10': ([125.3, 123.0, 113.9], [63.0, 62.1, 66.7]),
        'cifar100': ([129.3, 124.1, 112.4], [68.2, 65.4, 70.4]),
        'ImageNet16-120': ([122.68, 116.66, 104.01], [63.22, 61.26, 65.09]),
    }
    pixels = np.array([0, 1, 77, 128, 254, 255], dtype=np.uint8)
    values = {}
    for name, (mean, std) in constants.items():
        m = np.array([x / 255 for x in mean], dtype=np.float32)
        sd = np.array([x / 255 for x in std], dtype=np.float32)
        x = pixels.astype(np.float32) / np.float32(255)
        values[name] = [[float(v) for v in (x - m[c]) / sd[c]] for c in range(3)]
    dump_json(out('normalisation.json', root=DATA_ROOT), {'pixels': pixels.tolist(), 'values': values})


# --------------------------------------------------------------------------------------------
# PTB: the reference's Corpus (data.py) and batchify (utils.py) on a small text with awkward
# whitespace: \r\n and \r line ends, \x0c and \x1c (whitespace to str.split, not line ends in
# file iteration), a no-break space, and a last line without a newline.

def ptb():
    texts = {
        'train': 'the cat sat\r\non the  mat\x0cnow\rthe end\x1chere\n' + ' '.join('w%d' % (i * i % 11) for i in range(40)) + '\ncaf\u00e9\u00a0ok',
        'valid': 'the dog\nnew words here\n',
        'test': '\n  \nthe cat\n',
    }
    for split, text in texts.items():
        with open(out('ptb', '%s.txt' % split, root=DATA_ROOT), 'w', newline='') as f:
            f.write(text)
    word2idx, idx2word = {}, []
    ids = {}
    for split in ('train', 'valid', 'test'):
        tokens = []
        with open(out('ptb', '%s.txt' % split, root=DATA_ROOT), 'r') as f:
            for line in f:
                for word in line.split() + ['<eos>']:
                    if word not in word2idx:
                        idx2word.append(word)
                        word2idx[word] = len(idx2word) - 1
                    tokens.append(word2idx[word])
        ids[split] = tokens
    train = np.array(ids['train'])
    bsz, steps = 4, 3
    nbatch = len(train) // bsz
    batch = train[:nbatch * bsz].reshape(bsz, -1).T[0:steps]
    dump_json(out('ptb', 'expected.json', root=DATA_ROOT),
              {'vocabulary': idx2word, 'ids': ids, 'batch': {'batchSize': bsz, 'steps': steps, 'ids': batch.tolist()}})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--nlp-logs', help='train_logs_wikitext-2/logs.zip of nas-bench-nlp-release, to refresh nbnlp/real')
    args = parser.parse_args()
    nats_expected()
    nats_synthetic()
    nats_sss_synthetic()
    pickles()
    imagenet16()
    nbnlp(args.nlp_logs)
    normalisation()
    ptb()


if __name__ == '__main__':
    main()
