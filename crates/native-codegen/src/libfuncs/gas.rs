//! Gas: `withdraw_gas` / `withdraw_gas_all` take the statement's precomputed cost from the
//! counter (or take the failure branch), `redeposit_gas` gives a branch's unused cost back,
//! exactly as the CASM the VM runs does.

use cairo_lang_sierra::extensions::gas::GasConcreteLibfunc;
use melior::dialect::arith::{self, CmpiPredicate};

use super::unsupported;
use crate::error::Result;
use crate::helper::Invocation;

/// Builds one gas libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &GasConcreteLibfunc) -> Result<()> {
    let location = invocation.location();
    let counter_type = invocation.cx.int_type(64);
    let cost = invocation.cx.gas.statement_cost(invocation.statement);
    match selector {
        GasConcreteLibfunc::WithdrawGas(_) | GasConcreteLibfunc::BuiltinWithdrawGas(_) => {
            let range_check = invocation.input(0)?;
            let gas = invocation.input(1)?;
            let cost = invocation.constant(counter_type, cost)?;
            let enough = invocation.push(arith::cmpi(
                invocation.context(),
                CmpiPredicate::Uge,
                gas,
                cost,
                location,
            ))?;
            let rest = invocation.push(arith::subi(gas, cost, location))?;
            invocation.cond_br(
                &invocation.block,
                enough,
                (0, &[range_check, rest]),
                (1, &[range_check, gas]),
            )
        }
        GasConcreteLibfunc::RedepositGas(_) => {
            let cost = invocation.constant(counter_type, cost)?;
            let gas = invocation.push(arith::addi(invocation.input(0)?, cost, location))?;
            invocation.br(&invocation.block, 0, &[gas])
        }
        GasConcreteLibfunc::GetUnspentGas(_) => {
            let gas = invocation.input(0)?;
            let cost = invocation.constant(counter_type, cost)?;
            let unspent = invocation.push(arith::addi(gas, cost, location))?;
            let unspent =
                invocation.push(arith::extui(unspent, invocation.cx.int_type(128), location))?;
            invocation.br(&invocation.block, 0, &[gas, unspent])
        }
        GasConcreteLibfunc::GetAvailableGas(_) => {
            let gas = invocation.input(0)?;
            let available =
                invocation.push(arith::extui(gas, invocation.cx.int_type(128), location))?;
            invocation.br(&invocation.block, 0, &[gas, available])
        }
        GasConcreteLibfunc::GetBuiltinCosts(_) => {
            // The costs are compiled into each withdrawal; the handle carries nothing.
            let handle = invocation.constant(counter_type, 0)?;
            invocation.br(&invocation.block, 0, &[handle])
        }
        #[allow(unreachable_patterns)]
        _ => Err(unsupported()),
    }
}
