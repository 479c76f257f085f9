(class_definition superclasses: (argument_list (identifier) @name))
