using Fire.Engines.Torch.Architectures;
using Fire.Onnx;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Export;

/// <summary>
/// Writes a zoo net (<see cref="ModelZoo"/>) as an ONNX graph from its weights: input <see cref="InputName"/> (float32
/// NCHW, dynamic batch, pixels in [0, 1]), the net's normalisation as Sub and Div, batch norm in eval mode (running
/// statistics), output <see cref="OutputName"/>. The node that produces each layer's activation is named after the
/// layer (its output tensor too, except the last layer's, which is the logits), so layer names, and with them a guard
/// fitted on the TorchSharp net, carry over to the ONNX graph unchanged.
/// </summary>
/// <remarks>
/// Lives in the TorchSharp engine because it reads the net's modules; the graph building itself is Fire.Onnx's. The
/// walk knows TorchSharp's standard modules and the zoo's residual blocks by type: any other module is refused by name.
/// </remarks>
public static class ZooOnnxExport
{
    public const string InputName = "input";
    public const string OutputName = "logits";

    public static ModelProto Export(LayeredNet net)
    {
        var graph = new GraphProto { Name = net.Architecture };
        graph.Input.Add(OnnxModelFile.FloatTensor(InputName, [null, .. net.InputShape.Select(d => (long?)d)]));
        var builder = new OnnxGraphBuilder(graph);
        var layers = net.named_children().ToDictionary(c => c.name, c => c.module);
        var shapes = net.DescribeLayers().ToDictionary(l => l.Name, l => l.ActivationShape);
        using var scope = NewDisposeScope();
        var buffers = net.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        var walker = new Walker(builder);
        string x = builder.Node("Sub", "normalize_sub", [InputName, walker.Weights("input_mean", buffers["input_mean"])]);
        x = builder.Node("Div", "normalize", [x, walker.Weights("input_std", buffers["input_std"])]);
        for (int i = 0; i < net.LayerNames.Count; i++)
        {
            string layer = net.LayerNames[i];
            bool last = i == net.LayerNames.Count - 1;
            x = walker.Emit(layers[layer], x, layer);
            NameProducer(graph, x, layer, last ? OutputName : layer);
            x = last ? OutputName : layer;
            var shape = new long?[] { null }.Concat(shapes[layer].Select(d => (long?)d));
            (last ? graph.Output : graph.ValueInfo).Add(OnnxModelFile.FloatTensor(x, shape));
        }
        return OnnxModelFile.NewModel(graph, "fire export onnx");
    }

    /// <summary>Names the node that produced <paramref name="tensor"/> (the last one added) after its layer and renames its output.</summary>
    private static void NameProducer(GraphProto graph, string tensor, string layer, string output)
    {
        var producer = graph.Node[^1];
        if (producer.Output.Count != 1 || producer.Output[0] != tensor)
            throw new InvalidOperationException($"Layer '{layer}' did not end in a node of its own; the exporter cannot name it.");
        producer.Name = layer;
        producer.Output[0] = output;
    }

    /// <summary>Emits the nodes of one module after another, named by their module path (layer/child/...).</summary>
    private sealed class Walker(OnnxGraphBuilder builder)
    {
        public string Emit(nn.Module module, string x, string path)
        {
            switch (module)
            {
                case Sequential sequential:
                    foreach (var (name, child) in sequential.named_children()) x = Emit(child, x, $"{path}/{name}");
                    return x;
                case Conv2d conv: return Conv(conv, x, path);
                case BatchNorm norm: return BatchNorm(norm, x, path);
                case ReLU: return builder.Node("Relu", path, [x]);
                case MaxPool2d pool:
                    return builder.Node("MaxPool", path, [x],
                        attributes: [OnnxGraphBuilder.Ints("kernel_shape", pool.kernel_size), OnnxGraphBuilder.Ints("strides", pool.stride ?? pool.kernel_size),
                            OnnxGraphBuilder.Ints("pads", Pads(pool.padding ?? [0, 0])), OnnxGraphBuilder.Ints("dilations", pool.dilation ?? [1, 1]),
                            OnnxGraphBuilder.Int("ceil_mode", pool.ceil_mode ? 1 : 0)]);
                case AdaptiveAvgPool2d pool when pool.output_size.All(s => s == 1): return builder.Node("GlobalAveragePool", path, [x]);
                case AdaptiveMaxPool2d pool when pool.output_size.All(s => s == 1): return builder.Node("GlobalMaxPool", path, [x]);
                case Flatten flatten when flatten.start_dim == 1 && flatten.end_dim == -1:
                    return builder.Node("Flatten", path, [x], attributes: OnnxGraphBuilder.Int("axis", 1));
                case Linear linear:
                    return builder.Node("Gemm", path, [x, Weights($"{path}/weight", linear.weight!), Weights($"{path}/bias", linear.bias!)],
                        attributes: OnnxGraphBuilder.Int("transB", 1));
            }
            var type = module.GetType();
            if (type.DeclaringType == typeof(ResNet20) && type.Name == "BasicBlock") return ResNetBlock(module, x, path);
            if (type.DeclaringType == typeof(PreActResNet18) && type.Name == "PreActBlock") return PreActBlock(module, x, path);
            throw new NotSupportedException($"ONNX export does not know the module '{path}' ({type.FullName}).");
        }

        /// <summary>relu(bn1(conv1 x)), bn2(conv2 .), plus the option-A shortcut (strided subsampling, zero channels), ReLU.</summary>
        private string ResNetBlock(nn.Module block, string x, string path)
        {
            var c = Children(block);
            var conv1 = (Conv2d)c["conv1"];
            string y = builder.Node("Relu", $"{path}/relu1", [Emit(c["bn1"], Emit(conv1, x, $"{path}/conv1"), $"{path}/bn1")]);
            y = Emit(c["bn2"], Emit(c["conv2"], y, $"{path}/conv2"), $"{path}/bn2");
            long stride = conv1.stride[0], input = conv1.in_channels, output = conv1.out_channels;
            string shortcut = x;
            if (stride != 1 || input != output)
            {
                shortcut = builder.Node("Slice", $"{path}/shortcut_subsample", [x, builder.Int64s($"{path}/starts", [0, 0], 2),
                    builder.Int64s($"{path}/ends", [long.MaxValue, long.MaxValue], 2), builder.Int64s($"{path}/axes", [2, 3], 2),
                    builder.Int64s($"{path}/steps", [stride, stride], 2)]);
                long before = (output - input) / 2, after = output - input - before;
                shortcut = builder.Node("Pad", $"{path}/shortcut_pad", [shortcut, builder.Int64s($"{path}/pads", [0, before, 0, 0, 0, after, 0, 0], 8)]);
            }
            string sum = builder.Node("Add", $"{path}/add", [y, shortcut]);
            return builder.Node("Relu", $"{path}/relu2", [sum]);
        }

        /// <summary>a = relu(bn1 x); conv2(relu(bn2(conv1 a))) + (shortcut(a) or x).</summary>
        private string PreActBlock(nn.Module block, string x, string path)
        {
            var c = Children(block);
            string activated = builder.Node("Relu", $"{path}/relu1", [Emit(c["bn1"], x, $"{path}/bn1")]);
            string identity = c.TryGetValue("shortcut", out var shortcut) ? Emit(shortcut, activated, $"{path}/shortcut") : x;
            string y = Emit(c["conv1"], activated, $"{path}/conv1");
            y = builder.Node("Relu", $"{path}/relu2", [Emit(c["bn2"], y, $"{path}/bn2")]);
            y = Emit(c["conv2"], y, $"{path}/conv2");
            return builder.Node("Add", $"{path}/add", [y, identity]);
        }

        private string Conv(Conv2d conv, string x, string path)
        {
            if (conv.padding_type is not null || conv.padding_mode != PaddingModes.Zeros || conv.transposed)
                throw new NotSupportedException($"ONNX export supports zero-padded convolutions with explicit padding; '{path}' is not one.");
            var inputs = new List<string> { x, Weights($"{path}/weight", conv.weight!) };
            if (conv.bias is not null) inputs.Add(Weights($"{path}/bias", conv.bias));
            return builder.Node("Conv", path, inputs, attributes: [OnnxGraphBuilder.Ints("kernel_shape", conv.kernel_size), OnnxGraphBuilder.Ints("strides", conv.stride),
                OnnxGraphBuilder.Ints("pads", Pads(conv.padding ?? [0, 0])), OnnxGraphBuilder.Ints("dilations", conv.dilation), OnnxGraphBuilder.Int("group", conv.groups)]);
        }

        private string BatchNorm(BatchNorm norm, string x, string path) =>
            builder.Node("BatchNormalization", path, [x, Weights($"{path}/weight", norm.weight!), Weights($"{path}/bias", norm.bias!),
                Weights($"{path}/running_mean", norm.running_mean!), Weights($"{path}/running_var", norm.running_var!)],
                attributes: OnnxGraphBuilder.Float("epsilon", (float)norm.eps));

        /// <summary>A float32 initializer holding <paramref name="tensor"/>'s values, in its shape.</summary>
        public string Weights(string name, Tensor tensor)
        {
            var values = TensorConversion.ToArray(tensor);
            return builder.Floats(name, values, tensor.shape);
        }

        /// <summary>PyTorch's symmetric (height, width) padding as ONNX's (begin..., end...).</summary>
        private static long[] Pads(long[] padding) => [.. padding, .. padding];

        private static Dictionary<string, nn.Module> Children(nn.Module module) =>
            module.named_children().ToDictionary(c => c.name, c => c.module);
    }
}
