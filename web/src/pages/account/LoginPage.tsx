import type { FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { LoginBody } from '../../../../functions/users/schemas';
import { useLogin, useSession } from '../../api/session';
import { Field, formValues, useSchemaForm } from '../../components/forms';
import { PageHeading } from '../../components/PageHeading';
import { safeNext } from '../../components/SignedInOnly';
import { ErrorMessage } from '../../components/Status';

/** Sign in, then back to `?next=` (the page that asked for it), with a guest's cart joining the account's. */
export const LoginPage = () => {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const login = useLogin();
  const form = useSchemaForm(LoginBody);
  const navigate = useNavigate();

  // Already signed in (an old tab, a bookmark): nothing to do here.
  if (session.data && login.isIdle) return <Navigate to={next} replace />;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = form.validate(formValues(event.currentTarget));
    if (!body) return;
    login.mutate(body, {
      onSuccess: () => navigate(next, { replace: true }),
      onError: (error) => form.showApiError(error),
    });
  };

  const registerLink = next === '/' ? '/register' : `/register?next=${encodeURIComponent(next)}`;
  return (
    <>
      <PageHeading>Sign in</PageHeading>
      {next === '/checkout' && <p className="lead">Sign in to check out. The items in your cart come with you.</p>}
      <form ref={form.ref} className="stack" onSubmit={submit} onChange={form.onFieldChange} noValidate>
        <Field label="Email" name="email" type="email" autoComplete="username" required error={form.errors.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={form.errors.password}
        />
        <ErrorMessage>{form.errors._form}</ErrorMessage>
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link to={registerLink}>Create an account</Link>
      </p>
    </>
  );
};
