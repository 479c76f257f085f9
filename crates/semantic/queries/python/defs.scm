(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
(class_definition
  body: (block
    (expression_statement
      (assignment left: (identifier) @name) @definition.field)))
(module
  (expression_statement
    (assignment left: (identifier) @name) @definition.constant))
(type_alias_statement left: (type (identifier) @name)) @definition.type
