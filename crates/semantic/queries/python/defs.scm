(class_definition) @definition.class
(function_definition) @definition.function
(class_definition
  body: (block
    (expression_statement
      (assignment left: (identifier) @name) @definition.field)))
(module
  (expression_statement
    (assignment left: (identifier) @name) @definition.constant))
(type_alias_statement left: (type (identifier) @name)) @definition.type
