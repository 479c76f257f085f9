//! The submit queue: submits merge one at a time, each against the commit the submit
//! before it will land, and land in the order they merged. The next merge runs while the
//! previous submit lands (writes its change, events and ref), so two submits use two
//! cores, and no merge is done twice because another landed first.
//!
//! Correctness does not rest on the queue: a landing is a compare-and-swap on the branch
//! (see [`crate::land`]), so a submit that merged against a commit that then failed to
//! land (or a branch git moved meanwhile) finds the head moved and merges again. The
//! queue only orders the work so that this is rare.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::Thread;

use atomic_core::GitId;

/// See the module documentation. One per open repository, shared by its clones.
#[derive(Default)]
pub(crate) struct SubmitQueue {
    /// Held while a submit merges and writes its commit.
    merging: Mutex<()>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The next ticket to hand out.
    next: u64,
    /// Every ticket below this one is done: it is this ticket's turn to land.
    turn: u64,
    /// Per branch, the commit the last ticket will land, while it is in the queue.
    heads: HashMap<String, GitId>,
    /// Threads waiting for their ticket's turn, by ticket: only the next one is woken
    /// when a ticket ends, not every waiting submit.
    turn_waiters: HashMap<u64, Thread>,
    /// Threads waiting for the queue to empty.
    idle_waiters: Vec<Thread>,
}

/// The right to merge: held from reading the head to taking a ticket.
pub(crate) struct MergeSlot<'a>(#[allow(dead_code)] MutexGuard<'a, ()>);

/// A place in the landing order, taken with the commit a submit will land.
pub(crate) struct Ticket<'a> {
    queue: &'a SubmitQueue,
    number: u64,
    branch: String,
    commit: GitId,
    /// Set once the ticket's landing succeeded or failed.
    finished: bool,
}

impl SubmitQueue {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for the right to merge.
    pub(crate) fn merge_slot(&self) -> MergeSlot<'_> {
        MergeSlot(self.merging.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The commit the queue will land last on `branch`, when a ticket for it is waiting:
    /// the head to merge against instead of the branch's.
    pub(crate) fn pending_head(&self, _slot: &MergeSlot<'_>, branch: &str) -> Option<GitId> {
        self.state().heads.get(branch).copied()
    }

    /// Takes the next ticket, to land `commit` on `branch` after every ticket before it.
    pub(crate) fn enqueue(&self, _slot: MergeSlot<'_>, branch: &str, commit: GitId) -> Ticket<'_> {
        let mut state = self.state();
        let number = state.next;
        state.next += 1;
        state.heads.insert(branch.to_owned(), commit);
        Ticket {
            queue: self,
            number,
            branch: branch.to_owned(),
            commit,
            finished: false,
        }
    }

    /// Waits until every ticket handed out so far is done: then no commit is pending.
    pub(crate) fn wait_idle(&self, _slot: &MergeSlot<'_>) {
        loop {
            {
                let mut state = self.state();
                if state.turn >= state.next {
                    return;
                }
                state.idle_waiters.push(std::thread::current());
            }
            // A wake-up before this park makes it return at once; a spurious one loops.
            std::thread::park();
        }
    }
}

impl Ticket<'_> {
    /// Waits until every ticket before this one is done.
    pub(crate) fn wait_turn(&self) {
        loop {
            {
                let mut state = self.queue.state();
                if state.turn >= self.number {
                    return;
                }
                state
                    .turn_waiters
                    .insert(self.number, std::thread::current());
            }
            std::thread::park();
        }
    }

    /// Ends the ticket: the next one may land. After a failed landing the branch's pending
    /// head is forgotten (the tickets after this one merged on a commit that will not land:
    /// they find the head moved and merge again, against the branch).
    pub(crate) fn finish(mut self, landed: bool) {
        self.end(landed);
    }

    fn end(&mut self, landed: bool) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.wait_turn();
        let mut state = self.queue.state();
        let last = state.heads.get(&self.branch) == Some(&self.commit);
        if last || !landed {
            state.heads.remove(&self.branch);
        }
        state.turn = self.number + 1;
        let turn = state.turn;
        if let Some(next) = state.turn_waiters.remove(&turn) {
            next.unpark();
        }
        if state.turn >= state.next {
            for idle in state.idle_waiters.drain(..) {
                idle.unpark();
            }
        }
    }
}

impl Drop for Ticket<'_> {
    /// A ticket dropped unfinished (an error before landing) counts as a failed landing.
    fn drop(&mut self) {
        self.end(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> GitId {
        GitId([n; 20])
    }

    #[test]
    fn tickets_land_in_order_and_pending_heads_follow_them() {
        let queue = SubmitQueue::default();
        let slot = queue.merge_slot();
        assert_eq!(queue.pending_head(&slot, "main"), None);
        let first = queue.enqueue(slot, "main", id(1));
        let slot = queue.merge_slot();
        assert_eq!(queue.pending_head(&slot, "main"), Some(id(1)));
        let second = queue.enqueue(slot, "main", id(2));
        let order = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            scope.spawn(|| {
                second.wait_turn();
                order.lock().unwrap().push(2);
                second.finish(true);
            });
            std::thread::sleep(std::time::Duration::from_millis(50));
            first.wait_turn();
            order.lock().unwrap().push(1);
            first.finish(true);
        });
        assert_eq!(*order.lock().unwrap(), [1, 2]);
        let slot = queue.merge_slot();
        assert_eq!(queue.pending_head(&slot, "main"), None, "all landed");
        queue.wait_idle(&slot);
    }

    #[test]
    fn a_failed_or_dropped_ticket_forgets_the_pending_head_and_passes_its_turn() {
        let queue = SubmitQueue::default();
        let first = queue.enqueue(queue.merge_slot(), "main", id(1));
        let second = queue.enqueue(queue.merge_slot(), "main", id(2));
        first.finish(false);
        let slot = queue.merge_slot();
        assert_eq!(queue.pending_head(&slot, "main"), None);
        drop(slot);
        drop(second);
        let slot = queue.merge_slot();
        queue.wait_idle(&slot);
        let third = queue.enqueue(slot, "other", id(3));
        third.wait_turn();
        third.finish(true);
    }
}
