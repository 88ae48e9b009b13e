"""Exports trained PyTorch weights (training/out/<id>.pt) to the TF.js layers format under public/models/<id>/:
model.json (Keras-style Sequential topology + weights manifest), weights.bin (little-endian float32) and a
draft card.json (training half; `npm run evaluate-models` measures accuracy in TF.js and adds checksums).
Also writes training/reference/<id>.json: the PyTorch logits of the first 16 shard images, which a test
compares with TF.js's.

    /usr/bin/python3 training/export.py mnist-lenetlike-base [more ids]
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from train import NORM, OUT, RECIPES, ROOT, build  # noqa: E402

PAPER = {
    'LeNetLike': dict(kappa=1.0, base_acc=0.9955, robust_acc=0.9950, kmax=2.0, step=0.05),
    'AlexLike': dict(kappa=0.4, base_acc=0.8946, robust_acc=0.8793, kmax=1.0, step=0.01),
    # The paper's WideResNet 30-4 rows (κ = 0.07 after each BN): Table 2c, ReLU (Base) and ReLU (Robust).
    'PreActResNet': dict(kappa=0.07, base_acc=0.9431, robust_acc=0.9372, kmax=0.2, step=0.005),
    # MobileNetV2 (κ = 0.06): Tables 1d/2d/4d, base 92.07%, robust 91.69%.
    'MobileNetV2': dict(kappa=0.06, base_acc=0.9207, robust_acc=0.9169, kmax=0.2, step=0.005),
    # Not in the paper: the "paper-like" κ of the MLP is the largest of its grid costing ≤ 0.5 points of clean
    # accuracy (PyTorch, full test set: 96.98% → 96.57% at κ = 2); no paper accuracy to compare with.
    'MLP': dict(kappa=2.0, base_acc=None, robust_acc=None, kmax=4.0, step=0.05),
}


def conv(name, filters, k, act, input_shape=None):
    c = dict(name=name, trainable=True, dtype='float32', filters=filters, kernel_size=[k, k], strides=[1, 1],
             padding='valid', data_format='channels_last', dilation_rate=[1, 1], activation=act, use_bias=True)
    if input_shape:
        c['batch_input_shape'] = [None, *input_shape]
    return dict(class_name='Conv2D', config=c)


def dense(name, units, act):
    return dict(class_name='Dense', config=dict(name=name, trainable=True, dtype='float32', units=units,
                                                activation=act, use_bias=True))


def pool(name):
    return dict(class_name='MaxPooling2D', config=dict(name=name, trainable=True, dtype='float32', pool_size=[2, 2],
                                                       strides=[2, 2], padding='valid', data_format='channels_last'))


def simple(cls, name, **kw):
    return dict(class_name=cls, config=dict(name=name, trainable=True, dtype='float32', **kw))


def conv_w(m):
    k = m.weight.detach().numpy().transpose(2, 3, 1, 0)  # OIHW → HWIO
    return [k] if m.bias is None else [k, m.bias.detach().numpy()]


def bn_w(m):
    # TF.js BatchNormalization weight order: gamma, beta, moving_mean, moving_variance.
    return [t.detach().numpy() for t in (m.weight, m.bias, m.running_mean, m.running_var)]


WEIGHT_NAMES = {2: ('kernel', 'bias'), 1: ('kernel',), 4: ('gamma', 'beta', 'moving_mean', 'moving_variance')}


def node(layer, *inputs):
    """A functional-model layer entry reading the named layers."""
    layer = dict(layer, name=layer['config']['name'])
    layer['inbound_nodes'] = [[[i, 0, 0, {}] for i in inputs]] if inputs else []
    return layer


def resnet_topology(net):
    """Functional topology of PreActResNet: Conv2D (no bias, 'same'), BatchNormalization (ε as PyTorch's),
    Activation('relu') after every BN, Add for the residual sums, GlobalAveragePooling2D, Dense."""
    def cv(name, filters, k, stride):
        c = conv(name, filters, k, 'linear')
        c['config'].update(strides=[stride, stride], padding='same', use_bias=False)
        return c

    def bn(name, m):
        return simple('BatchNormalization', name, axis=-1, momentum=0.99, epsilon=m.eps, center=True, scale=True)

    layers = [node(simple('InputLayer', 'input', batch_input_shape=[None, 32, 32, 3], sparse=False))]
    weights = []
    layers.append(node(cv('conv0', net.conv.out_channels, 3, 1), 'input'))
    weights.append(('conv0', conv_w(net.conv)))
    x = 'conv0'
    for i, b in enumerate(net.blocks):
        p = f'b{i}_'
        layers += [node(bn(p + 'bn1', b.bn1), x), node(simple('Activation', p + 'relu1', activation='relu'), p + 'bn1'),
                   node(cv(p + 'conv1', b.conv1.out_channels, 3, b.stride), p + 'relu1'),
                   node(bn(p + 'bn2', b.bn2), p + 'conv1'),
                   node(simple('Activation', p + 'relu2', activation='relu'), p + 'bn2'),
                   node(cv(p + 'conv2', b.conv2.out_channels, 3, 1), p + 'relu2')]
        weights += [(p + 'bn1', bn_w(b.bn1)), (p + 'conv1', conv_w(b.conv1)), (p + 'bn2', bn_w(b.bn2)),
                    (p + 'conv2', conv_w(b.conv2))]
        short = x
        if b.short is not None:
            layers.append(node(cv(p + 'short', b.short.out_channels, 1, b.stride), p + 'relu1'))
            weights.append((p + 'short', conv_w(b.short)))
            short = p + 'short'
        layers.append(node(simple('Add', p + 'add'), p + 'conv2', short))
        x = p + 'add'
    layers += [node(bn('bn', net.bn), x), node(simple('Activation', 'relu', activation='relu'), 'bn'),
               node(simple('GlobalAveragePooling2D', 'pool', data_format='channels_last'), 'relu'),
               node(dense('fc', 10, 'linear'), 'pool')]
    weights += [('bn', bn_w(net.bn)), ('fc', dense_w(net.fc))]
    return layers, weights


def depthwise_w(m):
    # PyTorch's grouped kernel [C·mult, 1, kh, kw] → TF.js's depthwise_kernel [kh, kw, C, mult] (mult = 1 here).
    return [m.weight.detach().numpy().transpose(2, 3, 0, 1)]


def mobilenet_topology(net):
    """Functional topology of MobileNetV2: Conv2D / DepthwiseConv2D (no bias, 'same'), BatchNormalization,
    Activation('relu') after every BN but the projection's (the linear bottleneck), Add for the residual sums,
    GlobalAveragePooling2D, Dense."""
    def cv(name, filters, k, stride):
        c = conv(name, filters, k, 'linear')
        c['config'].update(strides=[stride, stride], padding='same', use_bias=False)
        return c

    def dw(name, stride):
        return simple('DepthwiseConv2D', name, kernel_size=[3, 3], strides=[stride, stride], padding='same',
                      depth_multiplier=1, data_format='channels_last', dilation_rate=[1, 1], activation='linear',
                      use_bias=False)

    def bn(name, m):
        return simple('BatchNormalization', name, axis=-1, momentum=0.99, epsilon=m.eps, center=True, scale=True)

    def conv_bn_relu(layers, weights, name, conv_layer, conv_weights, m_bn, x, relu=True):
        layers += [node(conv_layer, x), node(bn(name + '_bn', m_bn), conv_layer['config']['name'])]
        weights += [(conv_layer['config']['name'], conv_weights), (name + '_bn', bn_w(m_bn))]
        if not relu:
            return name + '_bn'
        layers.append(node(simple('Activation', name + '_relu', activation='relu'), name + '_bn'))
        return name + '_relu'

    layers = [node(simple('InputLayer', 'input', batch_input_shape=[None, 32, 32, 3], sparse=False))]
    weights = []
    x = conv_bn_relu(layers, weights, 'stem', cv('stem', net.conv.out_channels, 3, 1), conv_w(net.conv), net.bn, 'input')
    for i, b in enumerate(net.blocks):
        p = f'b{i}_'
        h = x
        if b.expand is not None:
            h = conv_bn_relu(layers, weights, p + 'expand', cv(p + 'expand', b.expand.out_channels, 1, 1),
                             conv_w(b.expand), b.bn0, h)
        h = conv_bn_relu(layers, weights, p + 'dw', dw(p + 'dw', b.stride), depthwise_w(b.dw), b.bn1, h)
        h = conv_bn_relu(layers, weights, p + 'project', cv(p + 'project', b.project.out_channels, 1, 1),
                         conv_w(b.project), b.bn2, h, relu=False)
        if b.residual:
            layers.append(node(simple('Add', p + 'add'), h, x))
            h = p + 'add'
        x = h
    x = conv_bn_relu(layers, weights, 'last', cv('last', net.conv_last.out_channels, 1, 1), conv_w(net.conv_last),
                     net.bn_last, x)
    layers += [node(simple('GlobalAveragePooling2D', 'pool', data_format='channels_last'), x),
               node(dense('fc', 10, 'linear'), 'pool')]
    weights.append(('fc', dense_w(net.fc)))
    return layers, weights


def dense_w(m, chw=None):
    w = m.weight.detach().numpy()  # [out, in]
    if chw:  # PyTorch flattens C,H,W; TF.js flattens H,W,C
        c, h, wd = chw
        w = w.reshape(w.shape[0], c, h, wd).transpose(0, 2, 3, 1).reshape(w.shape[0], -1)
    return [w.T, m.bias.detach().numpy()]


def topology_and_weights(net, r):
    """ReLUs appear in two forms, as in real Keras models: fused `activation` and standalone Activation layers."""
    if r['arch'] == 'PreActResNet':
        return resnet_topology(net)
    if r['arch'] == 'MobileNetV2':
        return mobilenet_topology(net)
    if r['arch'] == 'MLP':  # Dense only: Flatten (HWC = CHW order for one channel), fused ReLUs
        flat = simple('Flatten', 'flatten', batch_input_shape=[None, 28, 28, 1])
        layers = [flat] + [dense(f'fc{i}', fc.out_features, 'relu') for i, fc in enumerate(net.fcs)] + \
            [dense('out', 10, 'linear')]
        weights = [(f'fc{i}', dense_w(fc)) for i, fc in enumerate(net.fcs)] + [('out', dense_w(net.out))]
        return layers, weights
    if r['arch'] == 'LeNetLike':
        layers = [conv('conv1', 10, 5, 'linear', [28, 28, 1]), pool('pool1'), simple('Activation', 'relu1', activation='relu'),
                  conv('conv2', 20, 5, 'linear'), pool('pool2'), simple('Activation', 'relu2', activation='relu'),
                  simple('Dropout', 'dropout', rate=0.5), simple('Flatten', 'flatten'),
                  dense('fc1', 120, 'relu'), dense('fc2', 90, 'relu'), dense('fc3', 10, 'linear')]
        weights = [('conv1', conv_w(net.conv1)), ('conv2', conv_w(net.conv2)), ('fc1', dense_w(net.fc1, (20, 4, 4))),
                   ('fc2', dense_w(net.fc2)), ('fc3', dense_w(net.fc3))]
    else:
        c1, c2 = net.conv1.out_channels, net.conv3.out_channels
        layers = [conv('conv1', c1, 3, 'relu', [32, 32, 3]), conv('conv2', c1, 3, 'relu'), pool('pool1'),
                  conv('conv3', c2, 3, 'relu'), conv('conv4', c2, 3, 'relu'), pool('pool2'),
                  simple('Dropout', 'dropout', rate=0.5), simple('Flatten', 'flatten'),
                  dense('fc1', 256, 'relu'), dense('fc2', 256, 'relu'), dense('fc3', 10, 'linear')]
        weights = [('conv1', conv_w(net.conv1)), ('conv2', conv_w(net.conv2)), ('conv3', conv_w(net.conv3)),
                   ('conv4', conv_w(net.conv4)), ('fc1', dense_w(net.fc1, (c2, 5, 5))), ('fc2', dense_w(net.fc2)),
                   ('fc3', dense_w(net.fc3))]
    return layers, weights


def export(model_id, out_root=os.path.join(ROOT, 'public', 'models'), from_checkpoint=False):
    r = RECIPES[model_id]
    net = build(r)
    if from_checkpoint:  # an unfinished run (a trainer checkpoint), to check the export path; never shipped
        s = torch.load(from_checkpoint)
        net.load_state_dict(s['model'])
        meta = dict(history=s['history'], torch_version=torch.__version__, torch_test_accuracy_by_kappa={}, test_count=0)
    else:
        meta = json.load(open(os.path.join(OUT, f'{model_id}.json')))
        net.load_state_dict(torch.load(os.path.join(OUT, f'{model_id}.pt')))
    net.eval()
    layers, weights = topology_and_weights(net, r)
    out_dir = os.path.join(out_root, model_id)
    os.makedirs(out_dir, exist_ok=True)
    specs, blobs = [], []
    for lname, arrays in weights:
        names = ('depthwise_kernel',) if lname.endswith('_dw') else WEIGHT_NAMES[len(arrays)]
        for suffix, arr in zip(names, arrays):
            arr = np.ascontiguousarray(arr, dtype='<f4')
            specs.append(dict(name=f'{lname}/{suffix}', shape=list(arr.shape), dtype='float32'))
            blobs.append(arr.tobytes())
    with open(os.path.join(out_dir, 'weights.bin'), 'wb') as f:
        f.write(b''.join(blobs))
    name = model_id.replace('-', '_')
    if r['arch'] in ('PreActResNet', 'MobileNetV2'):
        topology = dict(class_name='Model', config=dict(name=name, layers=layers, input_layers=[['input', 0, 0]],
                                                        output_layers=[['fc', 0, 0]]))
    else:
        topology = dict(class_name='Sequential', config=dict(name=name, layers=layers))
    model_json = dict(format='layers-model', generatedBy='jumprelu-lab training/export.py', convertedBy=None,
                      modelTopology=dict(topology, keras_version='tfjs-layers 4.22.0', backend='tensor_flow.js'),
                      weightsManifest=[dict(paths=['weights.bin'], weights=specs)])
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump(model_json, f)

    ds = r['dataset']
    paper = PAPER[r['arch']]
    variant = 'robust' if r['adv'] else 'base'
    width_note = [] if r.get('width', 1.0) == 1.0 else [
        f"Conv channels at {r['width']:g}× the paper's width (a first step: full width trains at ~3.7 min/epoch on "
        '2 CPU cores); dense layers at full width.']
    arch = f"PreActResNet-{6 * r['blocks'] + 2}" + (f"-{r['widen']}" if r['widen'] != 1 else '') \
        if r['arch'] == 'PreActResNet' else r['arch']
    if r['arch'] == 'PreActResNet':
        width_note = [
            f"A pre-activation ResNet ({6 * r['blocks'] + 2} layers, widening {r['widen']}, "
            f"{sum(p.numel() for p in net.parameters()) / 1e6:.2f} M parameters) sized for 2 CPU cores; the paper's "
            'headline CIFAR-10 row is a WideResNet 30-4 (its authors\' scripts: depth 34, width 4, 7.4 M parameters). '
            'Same family: BN → JumpReLU → conv in every block, so κ acts on batch-normalised pre-activations.']
    if r['arch'] == 'MLP':
        arch = 'MLP-' + '-'.join(str(h) for h in [784, *r['hidden'], 10])
        width_note = [
            f"A small fully connected network ({sum(p.numel() for p in net.parameters())} parameters), not one of the "
            "paper's: it is here because its exact minimal L∞ perturbation can be computed (training/exact_mip.py, a "
            'mixed-integer program solved by CBC), so the attacks can be compared with the truth at κ = 0 and κ > 0. '
            "Its κ marked 'paper' is the largest of the grid costing ≤ 0.5 points of clean accuracy."]
    if r['arch'] == 'MobileNetV2':
        arch = f"MobileNetV2-{r['width']:g}"
        width_note = [
            f"MobileNetV2 at width multiplier {r['width']:g} ({sum(p.numel() for p in net.parameters()) / 1e6:.2f} M "
            "parameters) sized for 2 CPU cores; the paper's network is the full-width MobileNetV2 (2.24 M). CIFAR-10 "
            'layout (stem and second stage at stride 1); ReLU, not ReLU6, so JumpReLU replaces every activation '
            'exactly; the projection of each inverted-residual block stays linear (no activation to retrofit).']
    card = dict(
        version=1, id=model_id,
        name=f"{arch} ({'MNIST' if ds == 'mnist' else 'CIFAR-10'}, {variant})",
        dataset=ds, architecture=r['arch'], variant=variant, width=r.get('width', 1.0),
        description=(f"{r['arch']} trained with ReLU by this project's trainer"
                     + (f"; FGSM adversarial training with mixed batches (ratio {r['adv']['ratio']}, ε {r['adv']['eps']} in "
                        'normalised units), as in the paper' if r['adv'] else '') + '. Inputs normalised with '
                     f"mean {NORM[ds][0]} / std {NORM[ds][1]}."),
        training=dict(framework=f"PyTorch {meta['torch_version']} (Debian python3-torch), CPU",
                      command=f'/usr/bin/python3 training/train.py {model_id} && /usr/bin/python3 training/export.py {model_id} && npm run evaluate-models',
                      seed=0, epochs=len(meta['history']), recipe=r, history=meta['history'],
                      torchAccuracyByKappa=meta['torch_test_accuracy_by_kappa'], torchTestCount=meta['test_count']),
        evaluation=None,
        kappa=dict(default=paper['kappa'], paper=paper['kappa'], min=0.0, max=paper['kmax'], step=paper['step']),
        files={}, notes=width_note + ([
            f"Adversarial fine-tuning of {r['init']} for {r['epochs']} epochs (FGSM mixed batches); the paper trains its "
            'robust models from scratch, which did not fit one session of CPU time.'] if r.get('init') else []),
        paperCleanAccuracy=paper['robust_acc' if r['adv'] else 'base_acc'],
    )
    with open(os.path.join(out_dir, 'card.draft.json'), 'w') as f:
        json.dump(card, f, indent=1)

    # Reference logits for the exporter test: first 16 images of the shipped shard.
    shard = json.load(open(os.path.join(ROOT, 'public', 'data', f'{ds}-test.json')))
    h, w, c = shard['shape']
    raw = np.fromfile(os.path.join(ROOT, 'public', 'data', shard['file']), dtype=np.uint8, count=16 * h * w * c)
    x = torch.from_numpy(raw.reshape(16, h, w, c)).permute(0, 3, 1, 2).float() / 255.0
    mean, std = (torch.tensor(v).view(1, -1, 1, 1) for v in NORM[ds])
    with torch.no_grad():
        logits = net((x - mean) / std).numpy()
    ref_dir = out_dir if from_checkpoint else os.path.join(ROOT, 'training', 'reference')
    os.makedirs(ref_dir, exist_ok=True)
    with open(os.path.join(ref_dir, f'{model_id}.logits.json' if from_checkpoint else f'{model_id}.json'), 'w') as f:
        json.dump(dict(id=model_id, count=16, logits=[[float(v) for v in row] for row in logits]), f)
    print(f'exported {model_id} → public/models/{model_id}/')


if __name__ == '__main__':
    args = sys.argv[1:]
    if '--from-checkpoint' in args:  # `--from-checkpoint <checkpoint.pt> <dir> <id>`: an unfinished run → <dir>/<id>/
        i = args.index('--from-checkpoint')
        export(args[i + 3], out_root=args[i + 2], from_checkpoint=args[i + 1])
    else:
        for mid in args:
            export(mid)
