// Attack tests train networks on a two-core machine: run the classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
