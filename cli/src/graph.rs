//! The text history graph of `log --graph`, drawn as git draws it.
//!
//! The layout rules are git's (`graph.c` since git 2.25): every commit is a `*` in a
//! column of two characters; a merge opens a column per further parent (`|\`, or `*-.`
//! dashes for an octopus), and branch lines that move left collapse with `/` and `_`,
//! one step per row. A [`Graph`] is fed the commits in the order they are shown (graph
//! order: children before parents) with each commit's *interesting* parents, those the
//! log shows or would show; then it hands out the graph's rows one at a time, each
//! padded to the width of the current commit's rows so that text printed after them
//! lines up.
//!
//! Columns are not colored.

/// What the next row of the graph shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// The current commit is drawn: branch lines go straight down.
    Padding,
    /// The previous commit was left unfinished: a `...` row.
    Skip,
    /// Rows that make room to the right of an octopus merge.
    PreCommit,
    /// The row with the commit's `*`.
    Commit,
    /// The row below a merge, where its parents' lines fan out.
    PostMerge,
    /// Rows where branch lines move left to their new columns.
    Collapsing,
}

/// Layout state of a graph being drawn; see the module documentation.
#[derive(Debug)]
pub struct Graph {
    commit: Option<String>,
    /// The current commit's interesting parents, first parent first.
    parents: Vec<String>,
    /// Characters of every row of the current commit.
    width: usize,
    expansion_row: usize,
    state: State,
    prev_state: State,
    /// The column of the current commit (`columns.len()` when no column leads to it).
    commit_index: usize,
    prev_commit_index: usize,
    /// 0 when a merge's first parent is in a column left of it, else 1.
    merge_layout: i64,
    /// Columns the current commit adds (-1 when its parent joins the next column).
    edges_added: i64,
    prev_edges_added: i64,
    /// The commit each column leads to, before the current commit.
    columns: Vec<String>,
    /// The same, after it.
    new_columns: Vec<String>,
    /// Per screen character of the row: the column it moves to, or -1 for blank.
    mapping: Vec<i64>,
    /// The mapping of the previous row.
    old_mapping: Vec<i64>,
    mapping_size: usize,
}

impl Default for Graph {
    fn default() -> Self {
        Graph {
            commit: None,
            parents: Vec::new(),
            width: 0,
            expansion_row: 0,
            state: State::Padding,
            prev_state: State::Padding,
            commit_index: 0,
            prev_commit_index: 0,
            merge_layout: 0,
            edges_added: 0,
            prev_edges_added: 0,
            columns: Vec::new(),
            new_columns: Vec::new(),
            mapping: Vec::new(),
            old_mapping: Vec::new(),
            mapping_size: 0,
        }
    }
}

/// One row being written, with its width in characters.
struct Row(String);

impl Row {
    fn push(&mut self, c: char) {
        self.0.push(c);
    }
    fn width(&self) -> usize {
        self.0.chars().count()
    }
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves to the next commit shown, `commit`, whose interesting parents are `parents`
    /// (first parent first; those the log walks but hides, such as the excluded side of
    /// `A..B`, left out).
    pub fn update(&mut self, commit: &str, parents: Vec<String>) {
        self.commit = Some(commit.to_owned());
        self.parents = parents;
        self.prev_commit_index = self.commit_index;
        self.update_columns();
        self.expansion_row = 0;
        self.state = if self.state != State::Padding {
            State::Skip
        } else if self.needs_pre_commit_row() {
            State::PreCommit
        } else {
            State::Commit
        };
    }

    /// Whether every row of the current commit has been handed out.
    pub fn is_finished(&self) -> bool {
        self.state == State::Padding
    }

    /// The rows up to and including the commit's own row: every row but the last ends with
    /// a newline; the last is the prefix of the commit's first line of text.
    pub fn commit_rows(&mut self) -> String {
        let mut out = String::new();
        if self.is_finished() {
            return self.padding_row();
        }
        loop {
            let (row, is_commit) = self.next_row();
            out.push_str(&row);
            if is_commit || self.is_finished() {
                return out;
            }
            out.push('\n');
        }
    }

    /// The rows left for the current commit, joined by newlines (no final newline); empty
    /// when it is finished.
    pub fn remaining_rows(&mut self) -> String {
        let mut rows = Vec::new();
        while !self.is_finished() {
            rows.push(self.next_row().0);
        }
        rows.join("\n")
    }

    /// The prefix of one more line of the current commit's text: the next row of the
    /// graph, or straight branch lines once the commit's rows are all out.
    pub fn next_prefix(&mut self) -> String {
        self.next_row().0
    }

    /// A row that only extends the branch lines down (between commits, before diffs);
    /// while the commit's row is due, it does not draw the commit.
    pub fn padding_row(&mut self) -> String {
        if self.state != State::Commit {
            return self.next_row().0;
        }
        let mut row = Row(String::new());
        let octopus = self.parents.len() > 2;
        for column in &self.columns {
            row.push('|');
            let spaces = if Some(column) == self.commit.as_ref() && octopus {
                (self.parents.len() - 2) * 2
            } else {
                1
            };
            row.0.extend(std::iter::repeat_n(' ', spaces));
        }
        self.pad(&mut row);
        self.prev_state = State::Padding;
        row.0
    }

    /// The next row and whether it is the commit's own.
    fn next_row(&mut self) -> (String, bool) {
        let mut row = Row(String::new());
        if self.commit.is_none() {
            return (row.0, false);
        }
        let is_commit = self.state == State::Commit;
        match self.state {
            State::Padding => {
                for _ in &self.new_columns {
                    row.0.push_str("| ");
                }
            }
            State::Skip => {
                row.0.push_str("...");
                let next = if self.needs_pre_commit_row() {
                    State::PreCommit
                } else {
                    State::Commit
                };
                self.set_state(next);
            }
            State::PreCommit => self.pre_commit_row(&mut row),
            State::Commit => self.commit_row(&mut row),
            State::PostMerge => self.post_merge_row(&mut row),
            State::Collapsing => self.collapsing_row(&mut row),
        }
        self.pad(&mut row);
        (row.0, is_commit)
    }

    fn set_state(&mut self, state: State) {
        self.prev_state = self.state;
        self.state = state;
    }

    fn pad(&self, row: &mut Row) {
        let width = row.width();
        if width < self.width {
            row.0.extend(std::iter::repeat_n(' ', self.width - width));
        }
    }

    fn is_commit(&self, column: &str) -> bool {
        self.commit.as_deref() == Some(column)
    }

    /// How many columns a row of the current commit walks: the columns, and one more for
    /// the commit itself when no column leads to it.
    fn walked(&self) -> usize {
        let in_columns = self.columns.iter().any(|c| self.is_commit(c));
        self.columns.len() + usize::from(!in_columns)
    }

    /// The commit of column `i` of [`Graph::walked`] (past the columns: the current one).
    fn column_at(&self, i: usize) -> &str {
        self.columns
            .get(i)
            .map_or(self.commit.as_deref().unwrap_or(""), String::as_str)
    }

    fn ensure_mapping(&mut self, size: usize) {
        if self.mapping.len() < size {
            self.mapping.resize(size, -1);
            self.old_mapping.resize(size, -1);
        }
    }

    fn update_columns(&mut self) {
        std::mem::swap(&mut self.columns, &mut self.new_columns);
        self.new_columns.clear();
        let max_new_columns = self.columns.len() + self.parents.len();
        self.mapping_size = 2 * max_new_columns;
        self.ensure_mapping(self.mapping_size.max(2));
        self.mapping[..self.mapping_size].fill(-1);
        self.width = 0;
        self.prev_edges_added = self.edges_added;
        self.edges_added = 0;
        for i in 0..self.walked() {
            let column = self.column_at(i).to_owned();
            if self.is_commit(&column) {
                self.commit_index = i;
                self.merge_layout = -1;
                for parent in self.parents.clone() {
                    self.insert_into_new_columns(&parent, Some(i));
                }
                if self.parents.is_empty() {
                    self.width += 2;
                }
            } else {
                self.insert_into_new_columns(&column, None);
            }
        }
        while self.mapping_size > 1 && self.mapping[self.mapping_size - 1] < 0 {
            self.mapping_size -= 1;
        }
    }

    /// Places `commit` in the next row's columns; `commit_column` is the current commit's
    /// column when `commit` is one of its parents.
    fn insert_into_new_columns(&mut self, commit: &str, commit_column: Option<usize>) {
        let i = match self.new_columns.iter().position(|c| c == commit) {
            Some(i) => i,
            None => {
                self.new_columns.push(commit.to_owned());
                self.new_columns.len() - 1
            }
        };
        let target = i as i64;
        let width = self.width as i64;
        let mapping_index = match commit_column {
            Some(idx) if self.parents.len() > 1 && self.merge_layout == -1 => {
                // The first parent of a merge picks the merge's layout: leaning left when
                // that parent's column is left of the merge.
                let distance = idx as i64 - target;
                let shift = if distance > 1 { 2 * distance - 3 } else { 1 };
                self.merge_layout = if distance > 0 { 0 } else { 1 };
                self.edges_added = self.parents.len() as i64 + self.merge_layout - 2;
                self.width += 2 * self.merge_layout as usize;
                width + (self.merge_layout - 1) * shift
            }
            _ if self.edges_added > 0 && width >= 2 && target == self.mapping[self.width - 2] => {
                // A parent found in the last column joins it at once.
                self.edges_added = -1;
                width - 2
            }
            _ => {
                self.width += 2;
                width
            }
        };
        let index = usize::try_from(mapping_index).unwrap_or(0);
        self.ensure_mapping(index + 1);
        self.mapping[index] = target;
    }

    fn dashed_parents(&self) -> usize {
        usize::try_from(self.parents.len() as i64 + self.merge_layout - 3).unwrap_or(0)
    }

    fn needs_pre_commit_row(&self) -> bool {
        self.parents.len() >= 3
            && self.commit_index + 1 < self.columns.len()
            && self.expansion_row < self.dashed_parents() * 2
    }

    fn is_mapping_correct(&self) -> bool {
        self.mapping[..self.mapping_size]
            .iter()
            .enumerate()
            .all(|(i, &target)| target < 0 || target as usize == i / 2)
    }

    fn pre_commit_row(&mut self, row: &mut Row) {
        let mut seen_this = false;
        for (i, column) in self.columns.iter().enumerate() {
            if self.is_commit(column) {
                seen_this = true;
                row.push('|');
                row.0.extend(std::iter::repeat_n(' ', self.expansion_row));
            } else if seen_this && self.expansion_row == 0 {
                let after_merge = self.prev_state == State::PostMerge && self.prev_commit_index < i;
                row.push(if after_merge { '\\' } else { '|' });
            } else if seen_this {
                row.push('\\');
            } else {
                row.push('|');
            }
            row.push(' ');
        }
        self.expansion_row += 1;
        if !self.needs_pre_commit_row() {
            self.set_state(State::Commit);
        }
    }

    fn commit_row(&mut self, row: &mut Row) {
        let mut seen_this = false;
        for i in 0..self.walked() {
            if self.is_commit(self.column_at(i)) {
                seen_this = true;
                row.push('*');
                if self.parents.len() > 2 {
                    let dashed = self.dashed_parents();
                    for d in 0..dashed {
                        row.push('-');
                        row.push(if d + 1 == dashed { '.' } else { '-' });
                    }
                }
            } else if seen_this && self.edges_added > 1 {
                row.push('\\');
            } else if seen_this && self.edges_added == 1 {
                let after_merge = self.prev_state == State::PostMerge
                    && self.prev_edges_added > 0
                    && self.prev_commit_index < i;
                row.push(if after_merge { '\\' } else { '|' });
            } else if self.prev_state == State::Collapsing
                && self.old_mapping.get(2 * i + 1) == Some(&(i as i64))
                && self.mapping[2 * i] < i as i64
            {
                row.push('/');
            } else {
                row.push('|');
            }
            row.push(' ');
        }
        let next = if self.parents.len() > 1 {
            State::PostMerge
        } else if self.is_mapping_correct() {
            State::Padding
        } else {
            State::Collapsing
        };
        self.set_state(next);
    }

    fn post_merge_row(&mut self, row: &mut Row) {
        const MERGE_CHARS: [char; 3] = ['/', '|', '\\'];
        let first_parent = self.parents[0].clone();
        let mut seen_first_parent = false;
        let mut seen_this = false;
        for i in 0..self.walked() {
            let column = self.column_at(i);
            if self.is_commit(column) {
                seen_this = true;
                let mut idx = usize::try_from(self.merge_layout).unwrap_or(0);
                for j in 0..self.parents.len() {
                    row.push(MERGE_CHARS[idx]);
                    if idx == 2 {
                        if self.edges_added > 0 || j + 1 < self.parents.len() {
                            row.push(' ');
                        }
                    } else {
                        idx += 1;
                    }
                }
                if self.edges_added == 0 {
                    row.push(' ');
                }
            } else if seen_this {
                row.push(if self.edges_added > 0 { '\\' } else { '|' });
                row.push(' ');
            } else {
                row.push('|');
                if self.merge_layout != 0 || i + 1 != self.commit_index {
                    row.push(if seen_first_parent { '_' } else { ' ' });
                }
            }
            if column == first_parent {
                seen_first_parent = true;
            }
        }
        let next = if self.is_mapping_correct() {
            State::Padding
        } else {
            State::Collapsing
        };
        self.set_state(next);
    }

    fn collapsing_row(&mut self, row: &mut Row) {
        std::mem::swap(&mut self.mapping, &mut self.old_mapping);
        let size = self.mapping_size;
        self.mapping[..size].fill(-1);
        let mut horizontal_edge: i64 = -1;
        let mut horizontal_target: i64 = -1;
        for i in 0..size {
            let target = self.old_mapping[i];
            if target < 0 {
                continue;
            }
            // Branch lines only ever move left, so every target is at or left of `i`.
            if (target * 2) as usize == i {
                self.mapping[i] = target;
            } else if self.mapping[i - 1] < 0 {
                // Nothing to the left: move left by one.
                self.mapping[i - 1] = target;
                if horizontal_edge == -1 {
                    horizontal_edge = i as i64;
                    horizontal_target = target;
                    self.mark_horizontal(target, i);
                }
            } else if self.mapping[i - 1] == target {
                // The line to the left goes to the same commit: the two join.
            } else {
                // Cross the line to the left.
                self.mapping[i - 2] = target;
                if horizontal_edge == -1 {
                    horizontal_target = target;
                    horizontal_edge = i as i64 - 1;
                    self.mark_horizontal(target, i);
                }
            }
        }
        self.old_mapping[..size].copy_from_slice(&self.mapping[..size]);
        if self.mapping[size - 1] < 0 {
            self.mapping_size -= 1;
        }
        let mut used_horizontal = false;
        for i in 0..self.mapping_size {
            let target = self.mapping[i];
            if target < 0 {
                row.push(' ');
            } else if (target * 2) as usize == i {
                row.push('|');
            } else if target == horizontal_target && i as i64 != horizontal_edge - 1 {
                // Only the first `_` of a horizontal run continues into the next row.
                if i as i64 != target * 2 + 3 {
                    self.mapping[i] = -1;
                }
                used_horizontal = true;
                row.push('_');
            } else {
                if used_horizontal && (i as i64) < horizontal_edge {
                    self.mapping[i] = -1;
                }
                row.push('/');
            }
        }
        if self.is_mapping_correct() {
            self.set_state(State::Padding);
        }
    }

    /// Marks the `_` run of a line moving from screen column `from` to column `target`.
    fn mark_horizontal(&mut self, target: i64, from: usize) {
        let mut j = target * 2 + 3;
        while j < from as i64 - 2 {
            self.mapping[j as usize] = target;
            j += 2;
        }
    }
}

/// A graph that may be absent (`log` without `--graph`): then every row is empty, so one
/// layout code serves both, as in git's `log-tree.c`.
pub struct Rows(Option<Graph>);

impl Rows {
    /// A graph when `drawn`, else none.
    pub fn new(drawn: bool) -> Self {
        Rows(drawn.then(Graph::new))
    }

    /// See [`Graph::update`].
    pub fn update(&mut self, commit: &str, parents: Vec<String>) {
        if let Some(g) = &mut self.0 {
            g.update(commit, parents);
        }
    }

    /// See [`Graph::commit_rows`].
    pub fn commit_rows(&mut self) -> String {
        self.0.as_mut().map(Graph::commit_rows).unwrap_or_default()
    }
    /// See [`Graph::next_prefix`].
    pub fn prefix(&mut self) -> String {
        self.0.as_mut().map(Graph::next_prefix).unwrap_or_default()
    }
    /// See [`Graph::padding_row`].
    pub fn padding(&mut self) -> String {
        self.0.as_mut().map(Graph::padding_row).unwrap_or_default()
    }
    /// Writes a change's `message` (its lines after the first) as git's
    /// `graph_show_commit_msg`: each line after its first behind the next row, then the
    /// rows the change still has.
    pub fn message(&mut self, out: &mut String, message: &str) {
        let Some(g) = &mut self.0 else {
            out.push_str(message);
            return;
        };
        let mut lines = message.split_inclusive('\n').peekable();
        while let Some(line) = lines.next() {
            out.push_str(line);
            if lines.peek().is_some() {
                out.push_str(&g.next_prefix());
            }
        }
        if !g.is_finished() {
            let ends_line = message.ends_with('\n');
            if !ends_line {
                out.push('\n');
            }
            out.push_str(&g.remaining_rows());
            if ends_line {
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Graph;

    /// Draws commits `(id, parents)` as `--graph --oneline` would, with the id as text.
    fn draw(commits: &[(&str, &[&str])]) -> String {
        let mut graph = Graph::new();
        let mut out = String::new();
        for (id, parents) in commits {
            graph.update(id, parents.iter().map(|p| p.to_string()).collect());
            out.push_str(&graph.commit_rows());
            out.push_str(id);
            let rest = graph.remaining_rows();
            if !rest.is_empty() {
                out.push('\n');
                out.push_str(&rest);
            }
            out.push('\n');
        }
        out.lines()
            .map(|l| l.trim_end().to_owned() + "\n")
            .collect()
    }

    #[test]
    fn a_merge_fans_out_and_its_branch_collapses() {
        let drawn = draw(&[
            ("m", &["a2", "b2"]),
            ("b2", &["b1"]),
            ("b1", &["base"]),
            ("a2", &["base"]),
            ("base", &[]),
        ]);
        assert_eq!(
            drawn, "*   m\n|\\\n| * b2\n| * b1\n* | a2\n|/\n* base\n",
            "{drawn}"
        );
    }

    #[test]
    fn an_octopus_merge_draws_dashes() {
        let drawn = draw(&[
            ("m", &["a", "b", "c"]),
            ("c", &["base"]),
            ("b", &["base"]),
            ("a", &["base"]),
            ("base", &[]),
        ]);
        assert!(drawn.starts_with("*-.   m\n|\\ \\\n"), "{drawn}");
    }
}
