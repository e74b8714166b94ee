//! `try`/`except`/`else`/`finally`. While a region of a `try` statement is
//! lowered, a `Frame` on `FnGen::frames` says what leaving it must do: an
//! exception (`fail()`) jumps to the innermost frame's `on_error` block
//! instead of the function's cleanup, and `return`, `break` and `continue`
//! first do what each frame they leave asks (`unwind_frames`).
//!
//! An exception is matched by its kind code (`oxjit_rt_exc_kind`) against
//! each clause's builtin kinds (`Res::Catch`), and one of a class defined
//! in Python against the clause's classes by the runtime. A handler runs with the exception
//! saved in the runtime (`oxjit_rt_exc_save`), so a bare `raise` there
//! re-raises it; leaving the handler drops it. What the body's statements
//! held when it raised (temporaries, loop sources) is released on entry to
//! the handlers: their slots were allocated while the body was lowered.

use super::*;
use oxjit_syntax::ExceptHandler;

pub(super) enum Frame<'p> {
    /// The `try` body: an exception goes to the clauses' dispatch.
    Body { on_error: String },
    /// A handler, or a `finally` block run for an exception: the exception
    /// is saved in the runtime, and leaving drops it.
    Saved { on_error: String },
    /// The body, handlers and `else` of a `try` with `finally`: leaving
    /// runs `body` (the `finally` block) first.
    Finally { on_error: String, body: &'p [Stmt] },
}

impl Frame<'_> {
    fn on_error(&self) -> &str {
        match self {
            Frame::Body { on_error }
            | Frame::Saved { on_error }
            | Frame::Finally { on_error, .. } => on_error,
        }
    }
}

impl<'p> FnGen<'_, 'p> {
    /// Where an exception raised here goes: the innermost frame's block, or
    /// the function's cleanup (the caller then sees status 1).
    pub(super) fn error_target(&self) -> String {
        self.frames
            .last()
            .map_or_else(|| "cleanup".to_string(), |f| f.on_error().to_string())
    }

    /// Leave the frames above `to` (a `return`, or a `break`/`continue` of
    /// the loop entered with `to` frames): drop saved exceptions and run
    /// `finally` blocks, innermost first. A `finally` block runs in the
    /// frames outside its `try`; if it ends in `return` or `raise`, the
    /// jump that asked for it is dead code.
    pub(super) fn unwind_frames(&mut self, to: usize) -> R<()> {
        let mut k = self.frames.len();
        while k > to {
            k -= 1;
            match &self.frames[k] {
                Frame::Body { .. } => {}
                Frame::Saved { .. } => self.emit("call void @oxjit_rt_exc_drop_saved()"),
                Frame::Finally { body, .. } => {
                    let body = *body;
                    let inner = self.frames.split_off(k);
                    let r = self.block(body);
                    self.frames.extend(inner);
                    r?;
                    if self.terminated {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn try_stmt(
        &mut self,
        body: &'p [Stmt],
        handlers: &'p [ExceptHandler],
        orelse: &'p [Stmt],
        finalbody: &'p [Stmt],
    ) -> R<()> {
        let (done, end) = (self.label("trydone"), self.label("tryend"));
        let fin_exc = self.label("tryfinexc");
        let has_finally = !finalbody.is_empty();
        if has_finally {
            self.frames.push(Frame::Finally {
                on_error: fin_exc.clone(),
                body: finalbody,
            });
        }
        let mark = self.owned.len();
        if handlers.is_empty() {
            self.block(body)?;
            self.block(orelse)?;
            self.br_live(&done);
        } else {
            let dispatch = self.label("trydispatch");
            self.frames.push(Frame::Body {
                on_error: dispatch.clone(),
            });
            let r = self.block(body);
            self.frames.pop();
            r?;
            self.block(orelse)?;
            self.br_live(&done);
            self.start(&dispatch);
            self.release_since(mark);
            self.handlers(handlers, &done)?;
        }
        if has_finally {
            self.frames.pop();
        }
        self.start(&done);
        if has_finally {
            self.block(finalbody)?;
            self.br_live(&end);
            // An exception left the body, a handler or `else`: run the
            // block with it saved, then raise it again.
            self.start(&fin_exc);
            self.release_since(mark);
            self.saved_block(finalbody, true)?;
        }
        self.start(&end);
        Ok(())
    }

    /// The clauses, tried in order on the pending exception; none matching,
    /// it goes on to the enclosing frame.
    fn handlers(&mut self, handlers: &'p [ExceptHandler], done: &str) -> R<()> {
        let kind = self.val("call i32 @oxjit_rt_exc_kind()");
        for h in handlers {
            let hit = match &h.class {
                None => "true".to_string(),
                Some(c) => {
                    let Some(Res::Catch { kinds, classes }) = self.res(c) else {
                        return ice("except clause without its classes");
                    };
                    let mut hit = "false".to_string();
                    for k in kinds.clone() {
                        let eq = self.val(&format!("icmp eq i32 {kind}, {}", k.code()));
                        hit = self.val(&format!("or i1 {hit}, {eq}"));
                    }
                    // A class defined in Python: the runtime knows its bases.
                    let keys = self.str_const(&classes.join(","));
                    let (p, n) = (
                        self.extract(&keys, 1, Ty::NoneType),
                        self.extract(&keys, 2, Ty::I64),
                    );
                    let user = self.val(&format!(
                        "call i1 @oxjit_rt_exc_matches(i32 {kind}, ptr {}, i64 {})",
                        p.r, n.r
                    ));
                    self.val(&format!("or i1 {hit}, {user}"))
                }
            };
            let (run, next) = (self.label("tryexcept"), self.label("trynext"));
            self.cbr(&hit, &run, &next);
            self.start(&run);
            self.saved_block(&h.body, false)?;
            self.br_live(done);
            self.start(&next);
        }
        self.fail();
        Ok(())
    }

    /// `body` with the pending exception caught and saved (a handler), or
    /// (`reraise`, a `finally` block run for an exception) saved and raised
    /// again after it. Leaving by an exception drops the saved one.
    fn saved_block(&mut self, body: &'p [Stmt], reraise: bool) -> R<()> {
        self.emit("store i32 0, ptr %status");
        self.emit("call void @oxjit_rt_exc_save()");
        let unwind = self.label("tryunwind");
        self.frames.push(Frame::Saved {
            on_error: unwind.clone(),
        });
        let r = self.block(body);
        self.frames.pop();
        r?;
        if !self.terminated {
            if reraise {
                self.emit("call void @oxjit_rt_exc_restore()");
                self.fail();
            } else {
                self.emit("call void @oxjit_rt_exc_drop_saved()");
            }
        }
        let after = self.label("trysaved");
        self.br_live(&after);
        self.start(&unwind);
        self.emit("call void @oxjit_rt_exc_drop_saved()");
        self.fail();
        self.start(&after);
        Ok(())
    }

    /// Release what the slots allocated since `mark` hold (the statements
    /// an exception interrupted); empty slots release nothing.
    fn release_since(&mut self, mark: usize) {
        let slots: Vec<(String, Ty)> = self.owned[mark..].to_vec();
        for (slot, ty) in slots {
            if ty.owns_memory() {
                let v = self.load(&ty, &slot);
                self.decref(&v);
                self.emit(&format!("store {} zeroinitializer, ptr {slot}", llty(&ty)));
            }
        }
    }

    /// Branch to `l` unless the block already ended.
    fn br_live(&mut self, l: &str) {
        if !self.terminated {
            self.br(l);
        }
    }
}
