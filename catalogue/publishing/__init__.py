"""Pages where publishers create, edit, publish and withdraw their organisations' datasets."""
