import type { FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { RegisterBody } from '../../../../functions/users/schemas';
import { useRegister, useSession } from '../../api/session';
import { Field, formValues, useSchemaForm } from '../../components/forms';
import { PageHeading } from '../../components/PageHeading';
import { safeNext } from '../../components/SignedInOnly';
import { ErrorMessage } from '../../components/Status';

/** Create an account (signed in at once), then back to `?next=`. */
export const RegisterPage = () => {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const register = useRegister();
  const form = useSchemaForm(RegisterBody);
  const navigate = useNavigate();

  if (session.data && register.isIdle) return <Navigate to={next} replace />;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = form.validate(formValues(event.currentTarget));
    if (!body) return;
    register.mutate(body, {
      onSuccess: () => navigate(next, { replace: true }),
      onError: (error) => form.showApiError(error, { EMAIL_TAKEN: 'email' }),
    });
  };

  const loginLink = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
  return (
    <>
      <PageHeading>Create an account</PageHeading>
      <form ref={form.ref} className="stack" onSubmit={submit} onChange={form.onFieldChange} noValidate>
        <Field label="First name" name="first_name" autoComplete="given-name" required error={form.errors.first_name} />
        <Field label="Last name" name="last_name" autoComplete="family-name" required error={form.errors.last_name} />
        <Field label="Email" name="email" type="email" autoComplete="email" required error={form.errors.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint="8 to 128 characters, and not your email address."
          error={form.errors.password}
        />
        <ErrorMessage>{form.errors._form}</ErrorMessage>
        <button type="submit" disabled={register.isPending}>
          {register.isPending ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={loginLink}>Sign in</Link>
      </p>
    </>
  );
};
