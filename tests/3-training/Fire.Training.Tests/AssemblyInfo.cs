// Training tests are CPU-bound and the machine has two cores: run the classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
