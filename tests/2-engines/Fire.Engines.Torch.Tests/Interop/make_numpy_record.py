"""Writes a BackdoorBench-style record whose data entries hold numpy values, as real attack_result.pt files do
(bd_train / bd_test keep poisoned-data containers with numpy arrays), around a given state dict:
  python3 make_numpy_record.py STATE_DICT OUT"""
import sys
import numpy as np
import torch

state = torch.load(sys.argv[1], map_location="cpu")
record = {
    "model_name": "resnet20", "num_classes": 43, "model": state, "data_path": "./data/gtsrb", "img_size": (32, 32, 3),
    "clean_data": "gtsrb",
    "bd_train": {"bd_data_container": {"data_dict": {0: {"img": np.zeros((32, 32, 3), dtype=np.uint8), "label": 5}}},
                 "poison_indicator": np.array([0, 1, 0], dtype=np.int64), "rate": np.float64(0.1)},
    "bd_test": {"poison_indicator": np.ones(4)},
}
torch.save(record, sys.argv[2])
