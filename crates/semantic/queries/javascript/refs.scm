(class_heritage (identifier) @name)
