import { type FormEvent, useState } from 'react';
import { ChangePasswordBody, UpdateProfileBody, type User } from '../../../../functions/users/schemas';
import { useChangePassword, useUpdateProfile } from '../../api/account';
import { Field, formValues, useSchemaForm } from '../../components/forms';
import { PageHeading } from '../../components/PageHeading';
import { SignedInOnly } from '../../components/SignedInOnly';
import { ErrorMessage } from '../../components/Status';

const ProfileForm = ({ user }: { user: User }) => {
  const update = useUpdateProfile();
  const form = useSchemaForm(UpdateProfileBody);
  const [saved, setSaved] = useState(false);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const body = form.validate(formValues(event.currentTarget));
    if (!body) return;
    update.mutate(body, {
      onSuccess: () => setSaved(true),
      onError: (error) => form.showApiError(error),
    });
  };

  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">Your details</h2>
      <form
        ref={form.ref}
        className="stack"
        onSubmit={submit}
        onChange={(event) => {
          setSaved(false);
          form.onFieldChange(event);
        }}
        noValidate
      >
        <p>
          Email: <strong>{user.email}</strong>
        </p>
        <Field
          label="First name"
          name="first_name"
          autoComplete="given-name"
          defaultValue={user.first_name}
          required
          error={form.errors.first_name}
        />
        <Field
          label="Last name"
          name="last_name"
          autoComplete="family-name"
          defaultValue={user.last_name}
          required
          error={form.errors.last_name}
        />
        <ErrorMessage>{form.errors._form}</ErrorMessage>
        <button type="submit" disabled={update.isPending}>
          Save profile
        </button>
        <div role="status">{saved && <p className="notice">Saved</p>}</div>
      </form>
    </section>
  );
};

const PasswordForm = () => {
  const change = useChangePassword();
  const form = useSchemaForm(ChangePasswordBody);
  const [changed, setChanged] = useState(false);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setChanged(false);
    const target = event.currentTarget;
    const values = formValues(target);
    const body = form.validate({
      ...(values.current_password && { current_password: values.current_password }),
      new_password: values.new_password,
    });
    if (!body) return;
    change.mutate(body, {
      onSuccess: () => {
        target.reset();
        setChanged(true);
      },
      onError: (error) => form.showApiError(error, { WRONG_PASSWORD: 'current_password' }),
    });
  };

  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form ref={form.ref} className="stack" onSubmit={submit} onChange={form.onFieldChange} noValidate>
        <Field
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          // The schema names the missing field by its original name, old_password.
          error={form.errors.current_password ?? form.errors.old_password}
        />
        <Field
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          required
          hint="8 to 128 characters. Your other sessions are signed out; this one stays signed in."
          error={form.errors.new_password}
        />
        <ErrorMessage>{form.errors._form}</ErrorMessage>
        <button type="submit" disabled={change.isPending}>
          Change password
        </button>
        <div role="status">{changed && <p className="notice">Password changed. Other devices were signed out.</p>}</div>
      </form>
    </section>
  );
};

/** The shopper's account: name, and password. */
export const ProfilePage = () => (
  <>
    <PageHeading>Your account</PageHeading>
    <SignedInOnly>
      {(user) => (
        <div className="two-columns">
          <ProfileForm user={user} />
          <PasswordForm />
        </div>
      )}
    </SignedInOnly>
  </>
);
